#include <stdio.h>
#include <string.h>

int main(void)
{
    /* Bytes above 0x7F pass through stdout as they are (no code-page conversion by the C runtime). */
    printf("caf\xe9 na\xefve \xa9 \xb5\n");
    for (int row = 0x80; row < 0x100; row += 0x20) {
        printf("%02X:", row);
        for (int c = row; c < row + 0x20; c++)
            putchar(c);
        putchar('\n');
    }
    const char *s = "\xc3\xa9t\xc3\xa9";
    printf("UTF-8 bytes, strlen %u: %s\n", (unsigned)strlen(s), s);
    return 0;
}
