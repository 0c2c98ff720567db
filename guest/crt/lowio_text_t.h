/*
 * Text-mode translation of lowio.c, written once for the two unit widths: CH is char (the ANSI and UTF-8 modes)
 * or wchar_t (the UTF-16 mode), F(name) names the width's copy. Included by lowio_rw.c after raw_read and unpeek.
 */

/* Reads up to count units into buf in text mode: CR LF becomes LF; a Ctrl-Z ends the input of a file or pipe
 * (narrow only); a CR that ends the read looks at the next unit. The units stored, or -1 with errno set. */
static int F(read_text)(struct crt_fd *entry, CH *buf, unsigned count)
{
    int got = raw_read(entry, buf, count * sizeof(CH));
    unsigned n, in, out = 0;
    CH next;

    if (got <= 0)
        return got;
    n = (unsigned)got / sizeof(CH);
    for (in = 0; in < n; in++) {
        CH c = buf[in];

        if (sizeof(CH) == 1 && c == 0x1A && !(entry->flags & FD_DEV)) {
            entry->flags |= FD_EOF;
            break;
        }
        if (c != '\r') {
            buf[out++] = c;
        } else if (in + 1 < n) {
            if (buf[in + 1] == '\n')
                in++;
            buf[out++] = buf[in];
        } else if (raw_read(entry, &next, sizeof next) == (int)sizeof next) {
            /* The CR ended the read: the unit after it decides, and goes back when it is not an LF. */
            buf[out++] = next == '\n' ? '\n' : '\r';
            if (next != '\n')
                unpeek(entry, &next, sizeof next);
        } else {
            buf[out++] = '\r';
        }
    }
    return (int)out;
}

/* Translates src[*done..n) into out (room for cap units, cap >= 2) with LF as CR LF: the units stored; *done
 * advances over the source units translated. */
static unsigned F(to_crlf)(const CH *src, unsigned n, unsigned *done, CH *out, unsigned cap)
{
    unsigned stored = 0, in = *done;

    while (in < n && stored + 2 <= cap) {
        if (src[in] == '\n')
            out[stored++] = '\r';
        out[stored++] = src[in++];
    }
    *done = in;
    return stored;
}
