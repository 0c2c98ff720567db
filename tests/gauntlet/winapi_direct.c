// status: 9
#include <stdio.h>
#include <string.h>
#include <windows.h>

int main(void)
{
    char buf[MAX_PATH];
    DWORD n = GetCurrentDirectoryA(sizeof buf, buf);
    printf("GetCurrentDirectoryA: %s (%lu)\n", buf, n);
    n = GetModuleFileNameA(NULL, buf, sizeof buf);
    printf("GetModuleFileNameA: %s (%lu)\n", buf, n);

    HANDLE h = CreateFileA("winapi.txt", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    printf("CreateFileA for writing: %s\n", h == INVALID_HANDLE_VALUE ? "failed" : "ok");
    const char text[] = "written by WriteFile\nsecond line\n";
    DWORD written = 0;
    BOOL ok = WriteFile(h, text, (DWORD)strlen(text), &written, NULL);
    printf("WriteFile: %d, %lu bytes\n", ok, written);
    CloseHandle(h);

    h = CreateFileA("winapi.txt", GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    printf("GetFileSize: %lu\n", GetFileSize(h, NULL));
    char got[64] = {0};
    DWORD read = 0;
    ok = ReadFile(h, got, 20, &read, NULL);
    printf("ReadFile: %d, %lu bytes: [%s]\n", ok, read, got);
    printf("SetFilePointer: %lu\n", SetFilePointer(h, -5, NULL, FILE_END));
    memset(got, 0, sizeof got);
    ReadFile(h, got, sizeof got, &read, NULL);
    printf("the last %lu bytes: [%.4s]\n", read, got);
    ok = ReadFile(h, got, sizeof got, &read, NULL);
    printf("ReadFile at the end: %d, %lu bytes\n", ok, read);
    CloseHandle(h);

    h = CreateFileA("missing.txt", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    printf("CreateFileA missing: %s, GetLastError=%lu\n", h == INVALID_HANDLE_VALUE ? "INVALID_HANDLE_VALUE" : "?",
           GetLastError());
    printf("DeleteFileA: %d\n", DeleteFileA("winapi.txt"));
    ok = DeleteFileA("winapi.txt");
    printf("DeleteFileA again: %d, GetLastError=%lu\n", ok, GetLastError());

    n = GetEnvironmentVariableA("SystemRoot", buf, sizeof buf);
    printf("GetEnvironmentVariableA(SystemRoot): %s (%lu)\n", buf, n);
    SetEnvironmentVariableA("GAUNTLET", "from SetEnvironmentVariableA");
    n = GetEnvironmentVariableA("GAUNTLET", buf, sizeof buf);
    printf("GetEnvironmentVariableA(GAUNTLET): %s (%lu)\n", buf, n);
    n = GetEnvironmentVariableA("GAUNTLET", buf, 4);
    printf("too small a buffer: %lu\n", n);
    n = GetEnvironmentVariableA("NOT_THERE", buf, sizeof buf);
    printf("missing: %lu, GetLastError=%lu\n", n, GetLastError());

    printf("CreateDirectoryA: %d\n", CreateDirectoryA("apidir", NULL));
    printf("GetFileAttributesA is a directory: %d\n",
           (GetFileAttributesA("apidir") & FILE_ATTRIBUTE_DIRECTORY) != 0);
    printf("RemoveDirectoryA: %d\n", RemoveDirectoryA("apidir"));
    printf("GetFileAttributesA missing: %s\n",
           GetFileAttributesA("apidir") == INVALID_FILE_ATTRIBUTES ? "INVALID_FILE_ATTRIBUTES" : "?");

    SYSTEMTIME st;
    FILETIME ft = {0x44FF8000, 0x01C138D1}; /* 2001-09-09 01:46:40 UTC */
    FileTimeToSystemTime(&ft, &st);
    printf("FileTimeToSystemTime: %04u-%02u-%02u %02u:%02u:%02u day %u\n", st.wYear, st.wMonth, st.wDay, st.wHour,
           st.wMinute, st.wSecond, st.wDayOfWeek);
    printf("lstrlenA: %d, lstrcmpiA: %d\n", lstrlenA("gauntlet"), lstrcmpiA("ABC", "abc"));
    printf("MultiByteToWideChar: %d\n", MultiByteToWideChar(CP_ACP, 0, "wide", -1, NULL, 0));
    HANDLE heap = GetProcessHeap();
    void *block = HeapAlloc(heap, HEAP_ZERO_MEMORY, 100);
    printf("HeapAlloc zeroed: %d, HeapSize: %lu\n", ((char *)block)[99] == 0, (unsigned long)HeapSize(heap, 0, block));
    HeapFree(heap, 0, block);
    fflush(stdout);
    DWORD out;
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), "WriteFile to the standard output\n", 33, &out, NULL);
    ExitProcess(9);
}
