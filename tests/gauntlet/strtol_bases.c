#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

static void l(const char *s, int base)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, base);
    printf("strtol(\"%s\", %d) = %ld, rest \"%s\", errno %d\n", s, base, v, end, errno);
}

static void ul(const char *s, int base)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, base);
    printf("strtoul(\"%s\", %d) = %lu, rest \"%s\", errno %d\n", s, base, v, end, errno);
}

int main(void)
{
    printf("sizeof(long)=%u LONG_MAX=%ld LONG_MIN=%ld ULONG_MAX=%lu\n", (unsigned)sizeof(long), LONG_MAX, LONG_MIN,
           ULONG_MAX);
    l("12345", 10);
    l("  -42abc", 10);
    l("+17", 0);
    l("0x1fZ", 0);
    l("0X1F", 16);
    l("1f", 16);
    l("0777", 0);
    l("0789", 0);
    l("1010102", 2);
    l("zz", 36);
    l("Hello", 36);
    l("2147483647", 10);
    l("2147483648", 10);
    l("-2147483648", 10);
    l("-2147483649", 10);
    l("99999999999999999999", 10);
    l("", 10);
    l("   ", 10);
    l("-", 10);
    l("0x", 16);
    ul("4294967295", 10);
    ul("4294967296", 10);
    ul("-1", 10);
    ul("-4294967295", 10);
    ul("ffffffff", 16);
    ul("0b101", 0);
    errno = 0;
    printf("atoi(\" 12x\")=%d atol(\"-7\")=%ld atoi(\"junk\")=%d\n", atoi(" 12x"), atol("-7"), atoi("junk"));
    printf("_atoi64(\"-9223372036854775807\")=%I64d\n", _atoi64("-9223372036854775807"));
    char *end;
    errno = 0;
    __int64 big = _strtoi64("123456789012345xyz", &end, 10);
    printf("_strtoi64=%I64d rest %s errno %d\n", big, end, errno);
    errno = 0;
    big = _strtoi64("9223372036854775808", &end, 10);
    printf("_strtoi64 overflow=%I64d errno %d (ERANGE is %d)\n", big, errno, ERANGE);
    unsigned __int64 ubig = _strtoui64("18446744073709551615", &end, 10);
    printf("_strtoui64=%I64u\n", ubig);
    return 0;
}
