#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int compare(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(void)
{
    char **lines = NULL;
    size_t count = 0, capacity = 0;
    char buf[256];
    while (fgets(buf, sizeof buf, stdin)) {
        buf[strcspn(buf, "\n")] = '\0';
        if (count == capacity) {
            capacity = capacity ? capacity * 2 : 4;
            lines = realloc(lines, capacity * sizeof *lines);
        }
        lines[count++] = _strdup(buf);
    }
    qsort(lines, count, sizeof *lines, compare);
    size_t unique = 0;
    for (size_t i = 0; i < count; i++) {
        if (i > 0 && strcmp(lines[i], lines[i - 1]) == 0)
            continue;
        unique++;
        printf("%s\n", lines[i]);
    }
    printf("-- %u lines, %u unique\n", (unsigned)count, (unsigned)unique);
    for (size_t i = 0; i < count; i++)
        free(lines[i]);
    free(lines);
    return 0;
}
