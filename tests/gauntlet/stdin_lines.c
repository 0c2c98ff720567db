#include <ctype.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    char line[64];
    int n = 0;
    while (fgets(line, sizeof line, stdin) != NULL) {
        size_t len = strlen(line);
        int newline = len > 0 && line[len - 1] == '\n';
        if (newline)
            line[--len] = '\0';
        for (size_t i = 0; i < len; i++)
            line[i] = (char)toupper((unsigned char)line[i]);
        printf("%2d %-3s [%s] %u\n", ++n, newline ? "nl" : "cut", line, (unsigned)len);
    }
    printf("%d lines, feof=%d ferror=%d\n", n, feof(stdin) != 0, ferror(stdin) != 0);
    return 0;
}
