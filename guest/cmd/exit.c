/* cmd.exe: EXIT [/B] [N]: no further command runs, and cmd ends with N as its exit code (without N, the current
 * ERRORLEVEL). Outside a batch file /B changes nothing. */
#include "cmd.h"

int cmd_exit(WCHAR *args)
{
    WCHAR *p = text_skip_blanks(args);
    BOOL negative = FALSE;
    int value = 0;

    if (text_starts_with(p, L"/b") && (!p[2] || text_is_blank(p[2])))
        p = text_skip_blanks(p + 2);
    state.exiting = TRUE;
    if (*p == L'-' || *p == L'+') {
        negative = *p == L'-';
        p++;
    }
    if (*p < L'0' || *p > L'9')
        return state.errorlevel;
    while (*p >= L'0' && *p <= L'9')
        value = value * 10 + (*p++ - L'0');
    return negative ? -value : value;
}
