/*
 * cmd.exe: one command. An internal command's name ends at a blank or at one of the characters cmd lets follow it
 * directly (`echo.`, `cd..`, `dir/w`); anything else names a program (launch.c). ERRORLEVEL takes the return code
 * of a program and of every internal command but ECHO, VER and REM (which never fail), as in a .cmd script.
 */
#include "cmd.h"

struct internal {
    const WCHAR *name;
    int (*run)(WCHAR *args);
    BOOL sets_errorlevel;
};

static int cmd_rem(WCHAR *args)
{
    (void)args;
    return 0;
}

static const struct internal internals[] = {
    { L"CD", cmd_cd, TRUE }, { L"CHDIR", cmd_cd, TRUE }, { L"DIR", cmd_dir, TRUE }, { L"ECHO", cmd_echo, FALSE },
    { L"EXIT", cmd_exit, TRUE }, { L"REM", cmd_rem, FALSE }, { L"SET", cmd_set, TRUE }, { L"TYPE", cmd_type, TRUE },
    { L"VER", cmd_ver, FALSE },
};

static BOOL ends_name(WCHAR c)
{
    return !c || text_is_blank(c) || c == L'.' || c == L'/' || c == L'\\' || c == L':' || c == L',' || c == L';'
           || c == L'=' || c == L'(' || c == L'+' || c == L'[' || c == L']';
}

int run_command(WCHAR *command)
{
    int status;

    command = text_skip_blanks(command);
    while (*command == L'@')
        command = text_skip_blanks(command + 1);
    if (!*command)
        return 0;
    for (DWORD i = 0; i < sizeof internals / sizeof internals[0]; i++) {
        DWORD n = text_length(internals[i].name);
        if (!text_starts_with(command, internals[i].name) || !ends_name(command[n]))
            continue;
        status = internals[i].run(command + n);
        if (internals[i].sets_errorlevel || status)
            state.errorlevel = status;
        return status;
    }
    status = launch(command);
    state.errorlevel = status;
    return status;
}
