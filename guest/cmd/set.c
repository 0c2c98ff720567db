/*
 * cmd.exe: SET. `set` lists every variable (not the =C: kind) as NAME=VALUE, sorted by name without regard to
 * case; `set PREFIX` lists those whose name starts with it, or says "Environment variable PREFIX not defined" on
 * stderr with return code 1; `set NAME=VALUE` sets NAME (`set "NAME=VALUE"` too), `set NAME=` removes it.
 */
#include "cmd.h"

/* Shell sort of the block's strings by name (a block is short). */
static void sort_by_name(WCHAR **entries, DWORD count)
{
    for (DWORD gap = count / 2; gap; gap /= 2)
        for (DWORD i = gap; i < count; i++)
            for (DWORD j = i; j >= gap && text_compare_names(entries[j - gap], entries[j]) > 0; j -= gap) {
                WCHAR *t = entries[j];
                entries[j] = entries[j - gap];
                entries[j - gap] = t;
            }
}

/* Writes the variables whose name starts with `prefix`; FALSE when there is none. */
static BOOL list(const WCHAR *prefix)
{
    WCHAR *block = GetEnvironmentStringsW();
    WCHAR **entries;
    DWORD count = 0, shown = 0;

    for (WCHAR *p = block; *p; p += text_length(p) + 1)
        count++;
    entries = cmd_alloc((count + 1) * sizeof *entries);
    count = 0;
    for (WCHAR *p = block; *p; p += text_length(p) + 1)
        if (*p != L'=')
            entries[count++] = p;
    sort_by_name(entries, count);
    for (DWORD i = 0; i < count; i++)
        if (text_starts_with(entries[i], prefix)) {
            out(entries[i]);
            out(L"\r\n");
            shown++;
        }
    cmd_free(entries);
    FreeEnvironmentStringsW(block);
    return shown != 0;
}

int cmd_set(WCHAR *args)
{
    WCHAR *text = text_skip_blanks(args);
    WCHAR *equals;

    if (*text == L'"') {
        WCHAR *close = NULL;
        for (WCHAR *p = ++text; *p; p++)
            if (*p == L'"')
                close = p;
        if (close)
            *close = 0;
    }
    for (equals = text; *equals && *equals != L'='; equals++)
        ;
    if (!*equals) {
        text_trim_end(text);
        if (list(text))
            return 0;
        err(L"Environment variable ");
        err(text);
        err(L" not defined\r\n");
        return 1;
    }
    if (equals == text) {
        err(L"The syntax of the command is incorrect.\r\n");
        return 1;
    }
    *equals = 0;
    if (!SetEnvironmentVariableW(text, equals[1] ? equals + 1 : NULL) && equals[1])
        return 1;
    return 0;
}
