/*
 * cmd.exe: one command line. Its %VARIABLE% references are expanded first, over the whole line (so `set X=1 & echo
 * %X%` shows X's old value, as cmd does); then it is cut into commands at &, && and || outside quotes (^ escapes
 * the next character), which join them with cmd's precedence: && binds tighter than ||, which binds tighter than
 * &. A command after && runs only if the one before returned 0, after || only if it did not.
 */
#include "cmd.h"

enum joint { JOINT_END, JOINT_ALWAYS, JOINT_AND, JOINT_OR };

struct piece {
    WCHAR *text;
    enum joint after;
};

#define MAX_PIECES 64

struct pieces {
    struct piece list[MAX_PIECES];
    DWORD count;
    DWORD next;
};

/* The value of a variable for %NAME%: the environment's, or the dynamic ERRORLEVEL and CD when it has none. */
static DWORD variable(const WCHAR *name, WCHAR *value, DWORD capacity)
{
    DWORD n = GetEnvironmentVariableW(name, value, capacity);

    if (n && n < capacity)
        return n;
    if (text_equal(name, L"ERRORLEVEL")) {
        if (state.errorlevel < 0) {
            value[0] = L'-';
            return 1 + text_decimal(value + 1, (ULONGLONG)-(LONGLONG)state.errorlevel, FALSE);
        }
        return text_decimal(value, (ULONGLONG)state.errorlevel, FALSE);
    }
    if (text_equal(name, L"CD"))
        return GetCurrentDirectoryW(capacity, value);
    return 0;
}

/* %NAME% replaced by its value; a % that starts no defined name's reference is kept, and the scan goes on after
 * it (the rule of the command line; a batch file's differs). */
static void expand(const WCHAR *line, WCHAR *result)
{
    static WCHAR name[LINE_MAX], value[LINE_MAX];
    DWORD n = 0;

    for (const WCHAR *p = line; *p && n < LINE_MAX - 1;) {
        const WCHAR *end = NULL;
        DWORD length = 0;
        if (*p == L'%')
            for (end = p + 1; *end && *end != L'%'; end++)
                ;
        if (end && *end && end > p + 1) {
            text_copy(name, p + 1, (DWORD)(end - p));
            length = variable(name, value, LINE_MAX);
        }
        if (!length) {
            result[n++] = *p++;
            continue;
        }
        for (DWORD i = 0; i < length && n < LINE_MAX - 1; i++)
            result[n++] = value[i];
        p = end + 1;
    }
    result[n] = 0;
}

/* The line cut into commands, in place: each piece's text ends where its joint was. */
static void cut(WCHAR *line, struct pieces *pieces)
{
    BOOL quoted = FALSE;
    WCHAR *write = line;

    pieces->count = 0;
    pieces->list[0].text = line;
    for (WCHAR *p = line; *p; p++) {
        enum joint joint = JOINT_END;
        if (*p == L'"')
            quoted = !quoted;
        else if (*p == L'^' && !quoted && p[1]) {
            *write++ = *++p;
            continue;
        } else if (*p == L'&' && !quoted)
            joint = p[1] == L'&' ? JOINT_AND : JOINT_ALWAYS;
        else if (*p == L'|' && !quoted && p[1] == L'|')
            joint = JOINT_OR;
        if (joint == JOINT_END || pieces->count + 1 >= MAX_PIECES) {
            *write++ = *p;
            continue;
        }
        *write++ = 0;
        if (joint != JOINT_ALWAYS)
            p++;
        pieces->list[pieces->count++].after = joint;
        pieces->list[pieces->count].text = write;
    }
    *write = 0;
    pieces->list[pieces->count++].after = JOINT_END;
    pieces->next = 0;
}

/* Runs (or, when `run` is FALSE, passes over) the next command; its return code. */
static int step(struct pieces *pieces, BOOL run)
{
    WCHAR *text = pieces->list[pieces->next++].text;
    return run && !state.exiting ? run_command(text) : 0;
}

static enum joint last_joint(const struct pieces *pieces)
{
    return pieces->list[pieces->next - 1].after;
}

static int run_and(struct pieces *pieces, BOOL run)
{
    int status = step(pieces, run);

    while (pieces->next < pieces->count && last_joint(pieces) == JOINT_AND) {
        BOOL go = run && status == 0;
        int s = step(pieces, go);
        if (go)
            status = s;
    }
    return status;
}

static int run_or(struct pieces *pieces, BOOL run)
{
    int status = run_and(pieces, run);

    while (pieces->next < pieces->count && last_joint(pieces) == JOINT_OR) {
        BOOL go = run && status != 0;
        int s = run_and(pieces, go);
        if (go)
            status = s;
    }
    return status;
}

int run_line(const WCHAR *line)
{
    static WCHAR expanded[LINE_MAX];
    static struct pieces pieces;
    int status;

    expand(line, expanded);
    cut(expanded, &pieces);
    status = run_or(&pieces, TRUE);
    while (pieces.next < pieces.count && last_joint(&pieces) == JOINT_ALWAYS)
        status = run_or(&pieces, TRUE);
    return status;
}
