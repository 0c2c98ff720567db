/* cmd.exe: CD and CHDIR. `cd` writes the current folder; `cd [/d] DIR` makes DIR current (the C: drive is the only
 * one, so /d changes nothing more) and records it in the =C: variable, as cmd does for each drive. */
#include "cmd.h"

static void set_drive_directory(void)
{
    WCHAR dir[MAX_PATH], name[4] = L"=C:";

    if (GetCurrentDirectoryW(MAX_PATH, dir) && dir[1] == L':') {
        name[1] = text_upper(dir[0]);
        SetEnvironmentVariableW(name, dir);
    }
}

int cmd_cd(WCHAR *args)
{
    WCHAR *dir = text_skip_blanks(args);
    WCHAR current[MAX_PATH];
    DWORD error;

    if (text_starts_with(dir, L"/d") && (!dir[2] || text_is_blank(dir[2])))
        dir = text_skip_blanks(dir + 2);
    text_trim_end(dir);
    text_unquote(dir);
    if (!*dir) {
        GetCurrentDirectoryW(MAX_PATH, current);
        out(current);
        out(L"\r\n");
        return 0;
    }
    if (!SetCurrentDirectoryW(dir)) {
        error = GetLastError();
        err_system_message(error == ERROR_FILE_NOT_FOUND ? ERROR_PATH_NOT_FOUND : error);
        return 1;
    }
    set_drive_directory();
    return 0;
}
