#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

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
    printf("empty input: got %d (EOF is %d)\n", got, EOF);
    got = sscanf("7,8", "%d,%d", &a, &b);
    printf("literal comma: got %d: %d %d\n", got, a, b);
    got = sscanf("10 20 30", "%*d %d", &a);
    printf("suppressed: got %d: %d\n", got, a);
    got = sscanf("hello-world", "%15[a-z]-%15[^\n]", word, rest);
    printf("scansets: got %d: [%s] [%s]\n", got, word, rest);
    got = sscanf("0x1A 017 -0", "%i %i %i", &a, &b, &n);
    printf("%%i: got %d: %d %d %d\n", got, a, b, n);
    got = sscanf("123456", "%3d%2d", &a, &b);
    printf("widths: got %d: %d %d\n", got, a, b);
    char c1, c2;
    got = sscanf("a b", "%c%c", &c1, &c2);
    printf("%%c takes blanks: got %d: [%c][%c]\n", got, c1, c2);
    long long big = 0;
    got = sscanf("-9000000000", "%lld", &big);
    printf("%%lld: got %d: %lld\n", got, big);

    const char *inputs[] = {"3.14159", "  -2.5e-3xyz", "1e308", "1e309", "-1e309", "1e-400", "4.9e-324", ".5", "5.",
                            "-0", "0.1", "123456789012345678901234567890", "1.7976931348623157e308", "abc", "+.e1"};
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
