#include <fcntl.h>
#include <io.h>
#include <stdio.h>

int main(void)
{
    printf("text mode: one\n");
    fflush(stdout);
    int old = _setmode(_fileno(stdout), _O_BINARY);
    printf("previous mode was text: %d\n", old == _O_TEXT);
    printf("binary mode: bare line feed\n");
    printf("explicit carriage return\r\n");
    fflush(stdout);
    _setmode(_fileno(stdout), _O_TEXT);
    printf("text mode again\n");

    _setmode(_fileno(stdin), _O_BINARY);
    int c, crs = 0, lfs = 0, total = 0;
    while ((c = getchar()) != EOF) {
        total++;
        crs += c == '\r';
        lfs += c == '\n';
    }
    printf("stdin in binary mode: %d bytes, %d CR, %d LF\n", total, crs, lfs);
    return 0;
}
