#include <stdio.h>
#include <string.h>
#include <time.h>

int main(void)
{
    time_t t = 1000000000;
    struct tm *g = gmtime(&t);
    printf("gmtime: %04d-%02d-%02d %02d:%02d:%02d wday=%d yday=%d isdst=%d\n", g->tm_year + 1900, g->tm_mon + 1,
           g->tm_mday, g->tm_hour, g->tm_min, g->tm_sec, g->tm_wday, g->tm_yday, g->tm_isdst);
    char buf[128];
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S|%a %A|%b %B|%j|%y|%p|%I|%w|%U|%W|%%", g);
    printf("strftime: %s\n", buf);
    strftime(buf, sizeof buf, "%c|%x|%X", g);
    printf("C locale: %s\n", buf);
    printf("asctime: %s", asctime(g));

    struct tm fixed;
    memset(&fixed, 0, sizeof fixed);
    fixed.tm_year = 2024 - 1900;
    fixed.tm_mon = 1;
    fixed.tm_mday = 29;
    fixed.tm_hour = 12;
    fixed.tm_min = 30;
    fixed.tm_isdst = 0;
    time_t made = mktime(&fixed);
    printf("mktime(2024-02-29 12:30:00 UTC) = %lld, wday=%d yday=%d\n", (long long)made, fixed.tm_wday,
           fixed.tm_yday);

    /* mktime normalises out-of-range fields: 31 February 2023 is 3 March, and hour 25 is 01:00 the day after. */
    memset(&fixed, 0, sizeof fixed);
    fixed.tm_year = 123;
    fixed.tm_mon = 1;
    fixed.tm_mday = 31;
    fixed.tm_hour = 25;
    made = mktime(&fixed);
    printf("normalised: %04d-%02d-%02d %02d:00 (%lld)\n", fixed.tm_year + 1900, fixed.tm_mon + 1, fixed.tm_mday,
           fixed.tm_hour, (long long)made);

    t = 0;
    g = gmtime(&t);
    strftime(buf, sizeof buf, "%A %d %B %Y", g);
    printf("epoch: %s\n", buf);
    t = 2147483647;
    g = gmtime(&t);
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", g);
    printf("2^31-1: %s\n", buf);
    t = 951782400; /* time_t is 32 bits in the x86 build (the toolchain's msvcrt default): nothing past 2038 */
    g = gmtime(&t);
    printf("leap day 2000: %d-%02d-%02d wday=%d yday=%d\n", g->tm_year + 1900, g->tm_mon + 1, g->tm_mday,
           g->tm_wday, g->tm_yday);
    printf("difftime: %.1f\n", difftime((time_t)1000000060, (time_t)1000000000));
    printf("strftime fits: %u\n", (unsigned)strftime(buf, 5, "%Y", g));
    printf("strftime too small: %u\n", (unsigned)strftime(buf, 4, "%Y", g));
    return 0;
}
