/* cmd.exe: output. Text goes to the standard handles in the OEM code page, as cmd writes to a file or a pipe. */
#include "cmd.h"

static void write_to(DWORD which, const WCHAR *s, DWORD n)
{
    char buf[1024];
    DWORD written;
    HANDLE h = GetStdHandle(which);

    while (n) {
        DWORD chunk = n > 256 ? 256 : n;
        int bytes = WideCharToMultiByte(CP_OEMCP, 0, s, (int)chunk, buf, sizeof buf, NULL, NULL);
        WriteFile(h, buf, (DWORD)bytes, &written, NULL);
        s += chunk;
        n -= chunk;
    }
}

void out_n(const WCHAR *s, DWORD n)
{
    write_to(STD_OUTPUT_HANDLE, s, n);
}

void out(const WCHAR *s)
{
    out_n(s, text_length(s));
}

void out_number(ULONGLONG value, BOOL separators, DWORD width)
{
    WCHAR buf[32];
    DWORD n = text_decimal(buf, value, separators);

    while (width-- > n)
        out(L" ");
    out_n(buf, n);
}

void err(const WCHAR *s)
{
    write_to(STD_ERROR_HANDLE, s, text_length(s));
}

void err_system_message(DWORD error)
{
    WCHAR message[512];

    if (FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, error, 0, message,
                       512, NULL))
        err(message);
}
