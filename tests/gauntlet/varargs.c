#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int sum_ints(int count, ...)
{
    va_list ap;
    va_start(ap, count);
    int total = 0;
    for (int i = 0; i < count; i++)
        total += va_arg(ap, int);
    va_end(ap);
    return total;
}

static double mixed(const char *kinds, ...)
{
    va_list ap, copy;
    va_start(ap, kinds);
    va_copy(copy, ap);
    double total = 0;
    for (const char *k = kinds; *k; k++) {
        if (*k == 'i')
            total += va_arg(ap, int);
        else if (*k == 'd')
            total += va_arg(ap, double);
        else if (*k == 'l')
            total += (double)va_arg(ap, long long);
        else if (*k == 's')
            total += (double)strlen(va_arg(ap, const char *));
    }
    double first = *kinds == 'd' ? va_arg(copy, double) : -1;
    va_end(copy);
    va_end(ap);
    return total + first / 1000;
}

static void log_line(const char *level, const char *format, ...)
{
    char buf[128];
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(buf, sizeof buf, format, ap);
    va_end(ap);
    printf("[%s] %s (%d)\n", level, buf, n);
    va_start(ap, format);
    vprintf(format, ap);
    va_end(ap);
    printf("\n");
}

int main(void)
{
    printf("sum_ints: %d %d %d\n", sum_ints(0), sum_ints(3, 1, 2, 3), sum_ints(6, 10, 20, 30, 40, 50, -50));
    printf("mixed: %.4f\n", mixed("dils", 1.5, 2, 10000000000LL, "four"));
    log_line("info", "%s=%d, %s=%.2f, %c%c", "x", 42, "y", 2.5, 'o', 'k');
    log_line("warn", "%5s|%-5s|%05d", "ab", "cd", -12);
    return 0;
}
