#include <stdio.h>
#include <string.h>

int main(void)
{
    FILE *f = fopen("pos.txt", "w+");
    fputs("alpha\nbeta\ngamma\n", f);
    /* In text mode ftell counts the "\r\n" on disk: 3 lines, 17 characters, 20 bytes. */
    printf("ftell after writing: %ld\n", ftell(f));
    rewind(f);
    char line[32];
    fgets(line, sizeof line, f);
    printf("first line, ftell: %ld\n", ftell(f));
    fpos_t mark;
    fgetpos(f, &mark);
    fgets(line, sizeof line, f);
    printf("second: %s", line);
    fsetpos(f, &mark);
    fgets(line, sizeof line, f);
    printf("again after fsetpos: %s", line);

    int c = fgetc(f);
    printf("fgetc: %c, ungetc: %c\n", c, ungetc('G', f));
    fgets(line, sizeof line, f);
    printf("after ungetc: %s", line);
    c = fgetc(f);
    printf("fgetc at the end: %d, feof: %d\n", c, feof(f) != 0);
    clearerr(f);
    printf("after clearerr: feof %d\n", feof(f) != 0);

    fseek(f, 0, SEEK_END);
    fputs("delta\n", f);
    fseek(f, 0, SEEK_SET);
    int lines = 0;
    while (fgets(line, sizeof line, f))
        lines++;
    printf("lines after appending through w+: %d\n", lines);
    fclose(f);

    f = fopen("pos.txt", "r");
    char buf[64];
    size_t n = fread(buf, 1, sizeof buf, f);
    printf("fread in text mode: %u characters\n", (unsigned)n);
    fclose(f);

    f = fopen("buffered.txt", "w");
    char big[BUFSIZ];
    printf("setvbuf full: %d\n", setvbuf(f, big, _IOFBF, sizeof big));
    fputs("kept in the buffer", f);
    FILE *g = fopen("buffered.txt", "rb");
    fseek(g, 0, SEEK_END);
    printf("on disk before fflush: %ld\n", ftell(g));
    fflush(f);
    fseek(g, 0, SEEK_END);
    printf("on disk after fflush: %ld\n", ftell(g));
    fclose(g);
    fclose(f);
    printf("setvbuf unbuffered: %d\n", setvbuf(stdout, NULL, _IONBF, 0));
    printf("still printing\n");
    remove("pos.txt");
    remove("buffered.txt");
    return 0;
}
