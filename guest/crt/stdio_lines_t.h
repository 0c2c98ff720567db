/*
 * The line and string functions of stdio_calls.c, written once for both character widths: CH is char or
 * wchar_t, F(name) names the width's copy, GETC(stream) and END read a character and name the end of input, and
 * PUT(stream, s, n) writes n characters (0 on success). The caller holds the stream's lock.
 */

/* fgets: up to n - 1 characters, the newline kept; NULL when the input ended before any character. */
static CH *F(read_line)(CH *buf, int n, FILE *stream)
{
    CH *out = buf;

    while (--n > 0) {
        int c = GETC(stream);

        if (c == (int)END) {
            if (out == buf)
                return NULL;
            break;
        }
        *out++ = (CH)c;
        if (c == '\n')
            break;
    }
    *out = 0;
    return buf;
}

/* gets: a whole line, the newline dropped; NULL when the input ended before any character. */
static CH *F(read_whole_line)(CH *buf, FILE *stream)
{
    CH *out = buf;
    int c;

    while ((c = GETC(stream)) != '\n') {
        if (c == (int)END) {
            if (out == buf)
                return NULL;
            break;
        }
        *out++ = (CH)c;
    }
    *out = 0;
    return buf;
}

/* fputs and puts: the string, and a newline after it with `newline`: 0, or -1 on an error. */
static int F(write_string)(const CH *s, FILE *stream, int newline)
{
    size_t n = 0;
    static const CH nl[1] = {'\n'};

    while (s[n])
        n++;
    if (PUT(stream, s, n) || (newline && PUT(stream, nl, 1)))
        return -1;
    return 0;
}

/* gets_s: a whole line into size characters, the newline dropped; 1 when it did not fit (the rest of the line is
 * read and dropped, buf left empty), -1 when the input ended before any character, else 0. */
static int F(read_bounded_line)(CH *buf, size_t size, FILE *stream)
{
    size_t n = 0;
    int c, overflow = 0;

    while ((c = GETC(stream)) != '\n') {
        if (c == (int)END) {
            if (!n && !overflow) {
                buf[0] = 0;
                return -1;
            }
            break;
        }
        if (n + 1 < size)
            buf[n++] = (CH)c;
        else
            overflow = 1;
    }
    buf[overflow ? 0 : n] = 0;
    return overflow;
}
