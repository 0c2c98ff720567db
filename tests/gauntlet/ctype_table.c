#include <ctype.h>
#include <stdio.h>

int main(void)
{
    /* One line per class: the characters 0..255 in it, as ranges. */
    const char *names[] = {"alpha", "digit", "xdigit", "alnum", "space", "punct", "upper", "lower", "cntrl",
                           "print", "graph"};
    for (int k = 0; k < 11; k++) {
        printf("%-6s:", names[k]);
        int start = -1, count = 0;
        for (int c = 0; c <= 256; c++) {
            int in = 0;
            if (c < 256) {
                switch (k) {
                case 0: in = isalpha(c); break;
                case 1: in = isdigit(c); break;
                case 2: in = isxdigit(c); break;
                case 3: in = isalnum(c); break;
                case 4: in = isspace(c); break;
                case 5: in = ispunct(c); break;
                case 6: in = isupper(c); break;
                case 7: in = islower(c); break;
                case 8: in = iscntrl(c); break;
                case 9: in = isprint(c); break;
                case 10: in = isgraph(c); break;
                }
            }
            if (in) {
                count++;
                if (start < 0)
                    start = c;
            } else if (start >= 0) {
                printf(start == c - 1 ? " %02X" : " %02X-%02X", start, c - 1);
                start = -1;
            }
        }
        printf(" (%d)\n", count);
    }
    printf("isblank: %d %d %d\n", isblank(' ') != 0, isblank('\t') != 0, isblank('\n') != 0);
    printf("toupper:");
    for (int c = 'a' - 2; c <= 'z' + 2; c += 3)
        printf(" %c", toupper(c));
    printf("\ntolower:");
    for (int c = 'A' - 2; c <= 'Z' + 2; c += 3)
        printf(" %c", tolower(c));
    printf("\ntoupper(0xE9)=%02X tolower(0xC9)=%02X toupper('1')=%c\n", toupper(0xE9), tolower(0xC9), toupper('1'));
    printf("_toupper('a')=%c __isascii(200)=%d __toascii(200)=%d\n", _toupper('a'), __isascii(200), __toascii(200));
    return 0;
}
