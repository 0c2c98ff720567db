/*
 * strtod and its family for one character width, included twice by strtod.c: CH the character type, F(name) the
 * name for that width.
 */

static int F(peek)(void *ctx, int consume)
{
    const CH **p = ctx;
    int c = **p ? (int)**p : -1;

    if (consume && c >= 0)
        (*p)++;
    return c;
}

/* The number at the start of s (after white space): its bits, *end after it (s when there is none); errno ERANGE
 * on overflow or underflow to zero. */
static uint64_t F(parse)(const CH *s, const CH **end, unsigned how)
{
    const CH *p, *start;
    size_t accepted;
    int range;
    uint64_t bits;

    if (end)
        *end = s;
    if (!s) {
        crt_invalid_parameter(CRT_EINVAL);
        return 0;
    }
    while (*s == ' ' || (*s >= 9 && *s <= 13))
        s++;
    start = p = s;
    if (crt_flavor == CRT_MSVCRT)
        how |= PARSE_MSVCRT;
    bits = crt_parse_real(F(peek), &p, how, &accepted, &range);
    if (!accepted)
        return 0;
    if (end)
        *end = start + accepted;
    if (range)
        crt_thread_data()->err = CRT_ERANGE;
    return bits;
}
