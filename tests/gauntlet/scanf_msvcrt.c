// build: gcc -D__USE_MINGW_ANSI_STDIO=0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* Built with -D__USE_MINGW_ANSI_STDIO=0: sscanf and strtod are msvcrt.dll's own, not the toolchain's. */

int main(void)
{
    int a = -1, b = -1, n = -1;
    char word[16] = "", rest[16] = "";
    float f = 0;
    double d = 0;
    unsigned x = 0;
    int got = sscanf("  42 apples 3.5 -1e3 ff tail", "%d %15s %f %lf %x %15s", &a, word, &f, &d, &x, rest);
    printf("got %d: %d %s %.2f %.1f %u %s\n", got, a, word, f, d, x, rest);
    got = sscanf("12abc", "%d%n", &a, &n);
    printf("got %d: a=%d consumed=%d\n", got, a, n);
    got = sscanf("abc", "%d", &a);
    printf("no digits: got %d\n", got);
    got = sscanf("", "%d", &a);
    printf("empty input: got %d\n", got);
    got = sscanf("hello-world", "%15[a-z]-%15[^\n]", word, rest);
    printf("scansets: got %d: [%s] [%s]\n", got, word, rest);
    got = sscanf("0x1A 017 -0", "%i %i %i", &a, &b, &n);
    printf("%%i: got %d: %d %d %d\n", got, a, b, n);
    got = sscanf("123456", "%3d%2d", &a, &b);
    printf("widths: got %d: %d %d\n", got, a, b);
    __int64 big = 0;
    got = sscanf("-9000000000", "%I64d", &big);
    printf("%%I64d: got %d: %I64d\n", got, big);
    short s = 0;
    got = sscanf("70000", "%hd", &s);
    printf("%%hd: got %d: %d\n", got, s);

    const char *inputs[] = {"3.14159", "  -2.5e-3xyz", "1e308", "1e309", "-1e309", "1e-400", ".5", "5.", "-0",
                            "0.1", "1.7976931348623157e308", "abc", "+.e1", "1e+", "  +12.5E+1 "};
    for (unsigned i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        char *end;
        errno = 0;
        double v = strtod(inputs[i], &end);
        int err = errno;
        printf("strtod(\"%s\") = %.17g, used %d, errno %s\n", inputs[i], v, (int)(end - inputs[i]),
               err == ERANGE ? "ERANGE" : err == 0 ? "0" : "other");
    }
    printf("atof(\"2.5e2\") = %g\n", atof("2.5e2"));
    return 0;
}
