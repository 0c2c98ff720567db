/*
 * perror and _wperror: "message: ", strerror(errno) and a newline on descriptor 2.
 */
#include "stdio_internal.h"


/* "message: " (when there is one), strerror(errno) and a newline, written to descriptor 2 directly. */
static void report(const char *message, int err)
{
    const char *text = strerror(err);

    if (message && *message) {
        _write(2, message, lstrlenA(message));
        _write(2, ": ", 2);
    }
    if (text)
        _write(2, text, lstrlenA(text));
    _write(2, "\n", 1);
}

void CRT_EXPORT perror(const char *message)
{
    int err = crt_thread_data()->err;

    _lock_file(CRT_STDERR);
    crt_stream_flush(CRT_STDERR);
    report(message, err);
    _unlock_file(CRT_STDERR);
}

void CRT_EXPORT _wperror(const wchar_t *message)
{
    char *narrow = NULL;
    int n, err = crt_thread_data()->err;

    if (message && *message && (n = WideCharToMultiByte(CP_ACP, 0, message, -1, NULL, 0, NULL, NULL)) > 0
        && (narrow = crt_alloc(n)) != NULL)
        WideCharToMultiByte(CP_ACP, 0, message, -1, narrow, n, NULL, NULL);
    _lock_file(CRT_STDERR);
    crt_stream_flush(CRT_STDERR);
    report(narrow, err);
    _unlock_file(CRT_STDERR);
    crt_free(narrow);
}
