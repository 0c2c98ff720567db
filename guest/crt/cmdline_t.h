/*
 * The command line split into arguments (startup.c), for one character width: CH the character type, F(name) the
 * function's name for that width. Included twice by startup.c.
 */

/* The program name: up to the first blank outside quotes, the quotes dropped, no backslash rule. Copies it to
 * *out (advancing it) when out is not NULL; gives the character after it. */
static const CH *F(program_name)(const CH *s, CH **out)
{
    int quoted = 0;

    for (; *s; s++) {
        if (*s == '"') {
            quoted = !quoted;
            continue;
        }
        if (!quoted && (*s == ' ' || *s == '\t'))
            break;
        if (out)
            *(*out)++ = *s;
    }
    return s;
}

/* WinMain's command line: the blanks after the program name skipped. */
static const CH *F(after_program)(const CH *s)
{
    static const CH empty[1];

    if (!s)
        return empty;
    s = F(program_name)(s, NULL);
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* With argv NULL, counts: *argc pointers (the final NULL included) and *chars characters (the NULs included).
 * Otherwise fills argv and writes the strings to buffer. */
static void F(split)(const CH *s, CH **argv, CH *buffer, int *argc, size_t *chars)
{
    static const CH empty[1];
    size_t n = 0, slashes;
    int count = 0, quoted;
#define PUT(c) do { if (argv) buffer[n] = (c); n++; } while (0)

    if (!s)
        s = empty;
    if (argv) {
        CH *end = buffer;

        argv[count] = buffer;
        s = F(program_name)(s, &end);
        n = end - buffer;
    } else {
        const CH *start = s;

        s = F(program_name)(s, NULL);
        for (; start < s; start++)
            n += *start != '"';
    }
    PUT(0);
    count++;
    for (;;) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        if (argv)
            argv[count] = buffer + n;
        count++;
        quoted = 0;
        for (;;) {
            for (slashes = 0; *s == '\\'; s++)
                slashes++;
            if (*s == '"') {
                for (size_t i = 0; i < slashes / 2; i++)
                    PUT('\\');
                if (slashes % 2) {                   /* \" : a literal quote */
                    PUT('"');
                    s++;
                } else if (quoted && s[1] == '"') {  /* "" inside quotes: a literal quote */
                    PUT('"');
                    s += 2;
                    if (crt_flavor == CRT_MSVCRT)
                        quoted = 0;
                } else {
                    quoted = !quoted;
                    s++;
                }
                continue;
            }
            for (size_t i = 0; i < slashes; i++)
                PUT('\\');
            if (!*s || (!quoted && (*s == ' ' || *s == '\t')))
                break;
            PUT(*s);
            s++;
        }
        PUT(0);
    }
    if (argv)
        argv[count] = NULL;
    *argc = count + 1;
    *chars = n;
#undef PUT
}
