#include <io.h>
#include <stdio.h>

int main(void)
{
    printf("before freopen\n");
    fflush(stdout);
    int saved = _dup(1);
    if (freopen("captured.txt", "w", stdout) == NULL) {
        fprintf(stderr, "freopen failed\n");
        return 1;
    }
    printf("this goes to the file\n");
    printf("so does %s\n", "this");
    fflush(stdout);
    _dup2(saved, 1);
    _close(saved);
    printf("after restoring stdout\n");

    FILE *f = fopen("captured.txt", "rb");
    char buf[128];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    printf("the file has %u bytes:", (unsigned)n);
    for (size_t i = 0; i < n; i++)
        printf(buf[i] == '\r' ? " \\r" : buf[i] == '\n' ? " \\n" : "%c", buf[i]);
    printf("\n");
    return 0;
}
