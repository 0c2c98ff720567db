/*
 * _spawn*, _exec* and system over CreateProcess, as the Microsoft CRTs do them: the command line is argv joined
 * with single spaces, not quoted (callers quote arguments with blanks themselves); _P_WAIT waits and gives the
 * exit code, _P_NOWAIT gives the process handle, _exec* (_P_OVERLAY) ends the calling process once the new one has
 * started. When CreateProcess fails, each gives -1 with errno from its error, as on Windows (ENOENT for a program
 * that is not there).
 */
#include "crt.h"

enum { P_WAIT = 0, P_NOWAIT = 1, P_OVERLAY = 2, P_NOWAITO = 3, P_DETACH = 4 };

#define CH char
#define F(name) name##_a
#define S(text) text
#define CREATE_PROCESS CreateProcessA
#define STARTUP STARTUPINFOA
#define CMD_ENVIRONMENT "COMSPEC"
#define GET_ENVIRONMENT GetEnvironmentVariableA
#include "process_t.h"
#undef CH
#undef F
#undef S
#undef CREATE_PROCESS
#undef STARTUP
#undef CMD_ENVIRONMENT
#undef GET_ENVIRONMENT

#define CH wchar_t
#define F(name) name##_w
#define S(text) L##text
#define CREATE_PROCESS CreateProcessW
#define STARTUP STARTUPINFOW
#define CMD_ENVIRONMENT L"COMSPEC"
#define GET_ENVIRONMENT GetEnvironmentVariableW
#include "process_t.h"

intptr_t CRT_EXPORT _spawnv(int mode, const char *path, const char *const *argv)
{
    return spawn_a(mode, path, argv, NULL, 0);
}

intptr_t CRT_EXPORT _spawnve(int mode, const char *path, const char *const *argv, const char *const *envp)
{
    return spawn_a(mode, path, argv, envp, 0);
}

intptr_t CRT_EXPORT _spawnvp(int mode, const char *file, const char *const *argv)
{
    return spawn_a(mode, file, argv, NULL, 1);
}

intptr_t CRT_EXPORT _spawnvpe(int mode, const char *file, const char *const *argv, const char *const *envp)
{
    return spawn_a(mode, file, argv, envp, 1);
}

intptr_t CRT_EXPORT _wspawnv(int mode, const wchar_t *path, const wchar_t *const *argv)
{
    return spawn_w(mode, path, argv, NULL, 0);
}

intptr_t CRT_EXPORT _wspawnvp(int mode, const wchar_t *file, const wchar_t *const *argv)
{
    return spawn_w(mode, file, argv, NULL, 1);
}

intptr_t CRT_EXPORT _execv(const char *path, const char *const *argv)
{
    return spawn_a(P_OVERLAY, path, argv, NULL, 0);
}

intptr_t CRT_EXPORT _execve(const char *path, const char *const *argv, const char *const *envp)
{
    return spawn_a(P_OVERLAY, path, argv, envp, 0);
}

intptr_t CRT_EXPORT _execvp(const char *file, const char *const *argv)
{
    return spawn_a(P_OVERLAY, file, argv, NULL, 1);
}

intptr_t CRT_EXPORT _execvpe(const char *file, const char *const *argv, const char *const *envp)
{
    return spawn_a(P_OVERLAY, file, argv, envp, 1);
}

intptr_t CRT_EXPORT _wexecv(const wchar_t *path, const wchar_t *const *argv)
{
    return spawn_w(P_OVERLAY, path, argv, NULL, 0);
}

intptr_t CRT_EXPORT _wexecvp(const wchar_t *file, const wchar_t *const *argv)
{
    return spawn_w(P_OVERLAY, file, argv, NULL, 1);
}

/* The list forms: the arguments after the path up to a NULL are the argv. */
intptr_t CRT_EXPORT _spawnl(int mode, const char *path, const char *arg0, ...)
{
    return spawn_a(mode, path, &arg0, NULL, 0);
}

intptr_t CRT_EXPORT _spawnlp(int mode, const char *file, const char *arg0, ...)
{
    return spawn_a(mode, file, &arg0, NULL, 1);
}

intptr_t CRT_EXPORT _execl(const char *path, const char *arg0, ...)
{
    return spawn_a(P_OVERLAY, path, &arg0, NULL, 0);
}

intptr_t CRT_EXPORT _execlp(const char *file, const char *arg0, ...)
{
    return spawn_a(P_OVERLAY, file, &arg0, NULL, 1);
}

int CRT_EXPORT system(const char *command)
{
    return system_a(command);
}

int CRT_EXPORT _wsystem(const wchar_t *command)
{
    return system_w(command);
}

/* _cwait: waits for a process started with _P_NOWAIT and gives its exit code. */
intptr_t CRT_EXPORT _cwait(int *status, intptr_t process, int action)
{
    DWORD code;

    (void)action;
    if (WaitForSingleObject((HANDLE)process, INFINITE) != WAIT_OBJECT_0
        || !GetExitCodeProcess((HANDLE)process, &code)) {
        crt_set_errno_from_win32(GetLastError());
        if (crt_thread_data()->err == CRT_EBADF)
            crt_thread_data()->err = 10;             /* ECHILD */
        return -1;
    }
    if (status)
        *status = (int)code;
    CloseHandle((HANDLE)process);
    return process;
}

int CRT_EXPORT _getpid(void)
{
    return (int)GetCurrentProcessId();
}
