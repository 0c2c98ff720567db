/* cmd.exe: TYPE FILE: the file's bytes to stdout as they are; a file that cannot be read is the system's message
 * for the error on stderr and return code 1. */
#include "cmd.h"

int cmd_type(WCHAR *args)
{
    static char buf[4096];
    WCHAR *name = text_skip_blanks(args);
    HANDLE file;
    DWORD got, written;

    text_trim_end(name);
    text_unquote(name);
    if (!*name) {
        err(L"The syntax of the command is incorrect.\r\n");
        return 1;
    }
    file = CreateFileW(name, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) {
        err_system_message(GetLastError());
        return 1;
    }
    while (ReadFile(file, buf, sizeof buf, &got, NULL) && got)
        WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), buf, got, &written, NULL);
    CloseHandle(file);
    return 0;
}
