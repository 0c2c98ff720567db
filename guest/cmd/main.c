/*
 * cmd.exe: the entry point. `cmd /c COMMAND` (and /k, taken as /c: there is no console to stay in) runs one
 * command line and exits with its ERRORLEVEL; without them, command lines are read from stdin until its end, each
 * shown after the prompt as cmd shows what it reads from a file or a pipe. /s, /q, /d are accepted (/q turns ECHO
 * off); the other switches are skipped.
 */
#include "cmd.h"

struct cmd_state state = { TRUE, FALSE, 0 };

static WCHAR *after_program_name(WCHAR *p)
{
    if (*p == L'"') {
        for (p++; *p && *p != L'"'; p++)
            ;
        if (*p)
            p++;
    } else {
        while (*p && !text_is_blank(*p))
            p++;
    }
    return text_skip_blanks(p);
}

/* Without /s, cmd keeps the quotes of `/c "prog" args` only when the line has exactly two, and what they enclose
 * holds a blank, no special character, and names a file; otherwise it removes the first and the last quote. */
static void strip_outer_quotes(WCHAR *command, BOOL s_switch)
{
    WCHAR *last = NULL;
    DWORD quotes = 0, n;

    if (*command != L'"')
        return;
    for (WCHAR *p = command; *p; p++)
        if (*p == L'"') {
            quotes++;
            last = p;
        }
    if (!s_switch && quotes == 2) {
        BOOL blank = FALSE, special = FALSE;
        WCHAR name[MAX_PATH];
        for (WCHAR *p = command + 1; p < last; p++) {
            blank |= text_is_blank(*p);
            special |= *p == L'&' || *p == L'<' || *p == L'>' || *p == L'(' || *p == L')' || *p == L'@'
                       || *p == L'^' || *p == L'|';
        }
        n = (DWORD)(last - command - 1);
        if (blank && !special && n < MAX_PATH) {
            text_copy(name, command + 1, n + 1);
            if (GetFileAttributesW(name) != INVALID_FILE_ATTRIBUTES)
                return;
        }
    }
    for (WCHAR *p = last; *p; p++)
        p[0] = p[1];
    for (WCHAR *p = command; *p; p++)
        p[0] = p[1];
}

static void show_prompt(void)
{
    WCHAR prompt[256], dir[MAX_PATH];

    if (!GetEnvironmentVariableW(L"PROMPT", prompt, 256))
        text_copy(prompt, L"$P$G", 256);
    for (WCHAR *p = prompt; *p; p++) {
        if (*p != L'$' || !p[1]) {
            out_n(p, 1);
            continue;
        }
        switch (text_upper(*++p)) {
        case L'P':
            GetCurrentDirectoryW(MAX_PATH, dir);
            out(dir);
            break;
        case L'G': out(L">"); break;
        case L'L': out(L"<"); break;
        case L'Q': out(L"="); break;
        case L'$': out(L"$"); break;
        case L'_': out(L"\r\n"); break;
        default: break;
        }
    }
}

static volatile LONG ctrl_c;                             /* a control event came while a line was read */

/* Reading command lines, cmd takes Ctrl-C and Ctrl-Break itself (a program it runs gets them too, and ends). */
static BOOL WINAPI on_ctrl(DWORD event)
{
    (void)event;
    InterlockedExchange(&ctrl_c, 1);
    return TRUE;
}

enum line_read { LINE, END_OF_INPUT, INTERRUPTED };

/* One line of stdin (read a byte at a time, so that a program run meanwhile reads what follows), without its
 * line end; or the end of the input; or a read that Ctrl-C ended (the console ends a read at Ctrl-C: 0 bytes). */
static enum line_read read_line(WCHAR *line)
{
    static char bytes[LINE_MAX];
    DWORD n = 0, got;
    char c;
    BOOL any = FALSE;

    InterlockedExchange(&ctrl_c, 0);
    while (ReadFile(GetStdHandle(STD_INPUT_HANDLE), &c, 1, &got, NULL) && got == 1) {
        any = TRUE;
        if (c == '\n')
            break;
        if (c != '\r' && n < LINE_MAX - 1)
            bytes[n++] = c;
    }
    if (!any)
        return InterlockedExchange(&ctrl_c, 0) ? INTERRUPTED : END_OF_INPUT;
    n = (DWORD)MultiByteToWideChar(CP_OEMCP, 0, bytes, (int)n, line, LINE_MAX - 1);
    line[n] = 0;
    return LINE;
}

static void interactive(void)
{
    static WCHAR line[LINE_MAX];
    WCHAR version[128];

    SetConsoleCtrlHandler(on_ctrl, TRUE);
    version_string(version, 128);
    out(version);
    out(L"\r\n(c) Microsoft Corporation. All rights reserved.\r\n");
    while (!state.exiting) {
        enum line_read read;
        if (state.echo) {
            out(L"\r\n");
            show_prompt();
        }
        read = read_line(line);
        if (read == END_OF_INPUT)
            break;
        if (read == INTERRUPTED)                                    /* Ctrl-C at the prompt: a new prompt */
            continue;
        if (state.echo) {
            out(line);
            out(L"\r\n");
        }
        run_line(line);
    }
}

void start(void)
{
    static WCHAR command[LINE_MAX];
    WCHAR *p = after_program_name(GetCommandLineW());
    BOOL once = FALSE, s_switch = FALSE;

    if (!GetEnvironmentVariableW(L"PROMPT", NULL, 0))
        SetEnvironmentVariableW(L"PROMPT", L"$P$G");
    while (p[0] == L'/' && p[1]) {
        WCHAR sw = text_upper(p[1]);
        p += 2;
        if (sw == L'C' || sw == L'K') {
            once = TRUE;
            break;
        }
        if (sw == L'S')
            s_switch = TRUE;
        else if (sw == L'Q')
            state.echo = FALSE;
        while (*p && !text_is_blank(*p) && *p != L'/')   /* the rest of a switch: /e:on, /t:fg */
            p++;
        p = text_skip_blanks(p);
    }
    if (once) {
        text_copy(command, text_skip_blanks(p), LINE_MAX);
        strip_outer_quotes(command, s_switch);
        run_line(command);
    } else
        interactive();
    ExitProcess((UINT)state.errorlevel);
}
