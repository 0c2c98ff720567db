#include <stdio.h>

static void dump(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[64];
    printf("-- %s --\n", path);
    while (fgets(line, sizeof line, f))
        printf("%s", line);
    fclose(f);
}

int main(void)
{
    FILE *f = fopen("log.txt", "w");
    fprintf(f, "one\n");
    fclose(f);

    f = fopen("log.txt", "a");
    fprintf(f, "two\n");
    fseek(f, 0, SEEK_SET); /* appends still go to the end */
    fprintf(f, "three\n");
    fclose(f);
    dump("log.txt");

    f = fopen("log.txt", "a+");
    char word[16];
    fseek(f, 0, SEEK_SET);
    fscanf(f, "%15s", word);
    printf("a+ read: %s\n", word);
    fseek(f, 0, SEEK_CUR);
    fprintf(f, "four\n");
    fclose(f);
    dump("log.txt");

    f = fopen("log.txt", "w");
    fprintf(f, "truncated\n");
    fclose(f);
    dump("log.txt");
    remove("log.txt");
    return 0;
}
