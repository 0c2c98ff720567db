#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    int fds[2];
    if (_pipe(fds, 4096, _O_BINARY) != 0) {
        printf("_pipe failed\n");
        return 1;
    }
    const char *msg = "through the pipe\n";
    printf("_write: %d\n", _write(fds[1], msg, (unsigned)strlen(msg)));
    char buf[64];
    int n = _read(fds[0], buf, sizeof buf - 1);
    buf[n < 0 ? 0 : n] = '\0';
    printf("_read: %d [%.*s]\n", n, n - 1, buf);
    _close(fds[0]);
    _close(fds[1]);

    /* A text-mode pipe: "\n" goes in as "\r\n" and comes out as "\n". */
    _pipe(fds, 4096, _O_TEXT);
    FILE *w = _fdopen(fds[1], "w");
    fprintf(w, "alpha\nbeta\n");
    fclose(w);
    FILE *r = _fdopen(fds[0], "r");
    char line[32];
    while (fgets(line, sizeof line, r))
        printf("text line: %u chars, %s", (unsigned)strlen(line), line);
    printf("EOF after the writer closed: %d\n", feof(r) != 0);
    fclose(r);

    /* The raw bytes of a text-mode write. */
    _pipe(fds, 4096, _O_BINARY);
    _setmode(fds[1], _O_TEXT);
    n = _write(fds[1], "x\ny\n", 4);
    _close(fds[1]);
    n = _read(fds[0], buf, sizeof buf);
    printf("text write sent %d bytes:", n);
    for (int i = 0; i < n; i++)
        printf(" %02X", (unsigned char)buf[i]);
    printf("\n");
    _close(fds[0]);
    return 0;
}
