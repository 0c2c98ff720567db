#include <process.h>
#include <stdio.h>
#include <windows.h>

#define THREADS 4
#define STEPS 2000

static CRITICAL_SECTION lock;
static long shared_total;
static volatile LONG interlocked;

static DWORD WINAPI worker(LPVOID arg)
{
    int id = (int)(INT_PTR)arg;
    for (int i = 0; i < STEPS; i++) {
        EnterCriticalSection(&lock);
        shared_total += id;
        LeaveCriticalSection(&lock);
        InterlockedIncrement(&interlocked);
    }
    return (DWORD)(id * 100);
}

static unsigned __stdcall crt_worker(void *arg)
{
    int *slot = arg;
    *slot *= 2;
    return 7;
}

int main(void)
{
    InitializeCriticalSection(&lock);
    HANDLE threads[THREADS];
    for (int i = 0; i < THREADS; i++)
        threads[i] = CreateThread(NULL, 0, worker, (LPVOID)(INT_PTR)(i + 1), 0, NULL);
    DWORD waited = WaitForMultipleObjects(THREADS, threads, TRUE, INFINITE);
    printf("WaitForMultipleObjects: %lu\n", waited);
    for (int i = 0; i < THREADS; i++) {
        DWORD code;
        GetExitCodeThread(threads[i], &code);
        printf("thread %d exit code %lu\n", i + 1, code);
        CloseHandle(threads[i]);
    }
    printf("total %ld (expected %d), interlocked %ld\n", shared_total, STEPS * (1 + 2 + 3 + 4), (long)interlocked);
    DeleteCriticalSection(&lock);

    int value = 21;
    HANDLE h = (HANDLE)_beginthreadex(NULL, 0, crt_worker, &value, 0, NULL);
    WaitForSingleObject(h, INFINITE);
    DWORD code;
    GetExitCodeThread(h, &code);
    CloseHandle(h);
    printf("_beginthreadex: value %d, exit code %lu\n", value, code);

    HANDLE event = CreateEventA(NULL, TRUE, FALSE, NULL);
    printf("wait on an unset event: %s\n", WaitForSingleObject(event, 0) == WAIT_TIMEOUT ? "WAIT_TIMEOUT" : "?");
    SetEvent(event);
    printf("after SetEvent: %s\n", WaitForSingleObject(event, 0) == WAIT_OBJECT_0 ? "WAIT_OBJECT_0" : "?");
    CloseHandle(event);
    return 0;
}
