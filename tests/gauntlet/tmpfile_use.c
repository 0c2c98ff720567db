#include <stdio.h>
#include <string.h>

int main(void)
{
    FILE *f = tmpfile();
    if (f == NULL) {
        printf("tmpfile failed\n");
        return 1;
    }
    for (int i = 0; i < 100; i++)
        fprintf(f, "%d,", i * i);
    long size = ftell(f);
    printf("wrote %ld bytes\n", size);
    rewind(f);
    int value, sum = 0, count = 0;
    while (fscanf(f, "%d,", &value) == 1) {
        sum += value;
        count++;
    }
    printf("read back %d numbers, sum %d\n", count, sum);
    fclose(f);

    char name[L_tmpnam];
    printf("tmpnam: %s\n", tmpnam(name) != NULL ? "a name" : "NULL");
    return 0;
}
