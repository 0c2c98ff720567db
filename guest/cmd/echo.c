/* cmd.exe: ECHO. `echo` alone tells the state ("ECHO is on."), `echo on|off` sets it, `echo.` (or echo followed by
 * any of the characters that may end its name) writes an empty line, `echo text` writes the text as it is, blanks
 * at its end included: the character after ECHO is the separator and is not written. */
#include "cmd.h"

int cmd_echo(WCHAR *args)
{
    WCHAR word[8];
    WCHAR *text = *args ? args + 1 : args;
    BOOL separator_blank = *args == 0 || text_is_blank(*args);

    if (separator_blank) {
        WCHAR *rest = text_skip_blanks(text);
        if (!*rest) {
            out(state.echo ? L"ECHO is on.\r\n" : L"ECHO is off.\r\n");
            return 0;
        }
        if (text_length(rest) < 8) {
            text_copy(word, rest, 8);
            text_trim_end(word);
            if (text_equal(word, L"on") || text_equal(word, L"off")) {
                state.echo = text_equal(word, L"on");
                return 0;
            }
        }
    }
    out(text);
    out(L"\r\n");
    return 0;
}
