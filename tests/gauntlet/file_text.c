#include <stdio.h>
#include <string.h>

int main(void)
{
    FILE *f = fopen("text.txt", "w");
    if (f == NULL) {
        printf("fopen for writing failed\n");
        return 1;
    }
    for (int i = 1; i <= 3; i++)
        fprintf(f, "line %d\n", i);
    fputs("no newline at the end", f);
    printf("fclose: %d\n", fclose(f));

    /* Text mode wrote each "\n" as "\r\n": the file holds 3 more bytes than were written. */
    f = fopen("text.txt", "rb");
    fseek(f, 0, SEEK_END);
    printf("size on disk: %ld\n", ftell(f));
    rewind(f);
    int c, crs = 0;
    while ((c = fgetc(f)) != EOF)
        crs += c == '\r';
    printf("carriage returns: %d\n", crs);
    fclose(f);

    /* Read back in text mode: the "\r\n" are "\n" again. */
    f = fopen("text.txt", "r");
    char line[80];
    int n = 0;
    while (fgets(line, sizeof line, f) != NULL)
        printf("read %d: %s%s", ++n, line, strchr(line, '\n') ? "" : "|\n");
    fclose(f);

    f = fopen("text.txt", "rt");
    char word[16];
    int number;
    int got = fscanf(f, "%15s %d", word, &number);
    printf("fscanf got %d: %s %d\n", got, word, number);
    fclose(f);
    printf("remove: %d\n", remove("text.txt"));
    printf("fopen after remove: %s\n", fopen("text.txt", "r") == NULL ? "NULL" : "opened");
    return 0;
}
