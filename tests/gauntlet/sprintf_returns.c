#include <stdio.h>
#include <string.h>

static void show(const char *what, int ret, const char *buf, size_t size)
{
    printf("%-28s ret=%3d buf=[", what, ret);
    for (size_t i = 0; i < size; i++)
        printf(buf[i] == '\0' ? "\\0" : "%c", buf[i]);
    printf("]\n");
}

int main(void)
{
    char buf[12];
    memset(buf, '.', sizeof buf);
    show("sprintf", sprintf(buf, "%d-%s", 42, "ab"), buf, sizeof buf);
    memset(buf, '.', sizeof buf);
    show("sprintf empty", sprintf(buf, "%s", ""), buf, sizeof buf);

    memset(buf, '.', sizeof buf);
    show("snprintf fits", snprintf(buf, 10, "%s", "short"), buf, sizeof buf);
    memset(buf, '.', sizeof buf);
    show("snprintf truncates", snprintf(buf, 6, "%s", "much too long"), buf, sizeof buf);
    memset(buf, '.', sizeof buf);
    show("snprintf exactly", snprintf(buf, 6, "%s", "12345"), buf, sizeof buf);
    show("snprintf size 0", snprintf(NULL, 0, "%d", 123456), buf, 0);

    memset(buf, '.', sizeof buf);
    show("_snprintf fits", _snprintf(buf, 10, "%s", "short"), buf, sizeof buf);
    memset(buf, '.', sizeof buf);
    show("_snprintf exactly (no NUL)", _snprintf(buf, 5, "%s", "12345"), buf, sizeof buf);
    memset(buf, '.', sizeof buf);
    show("_snprintf truncates", _snprintf(buf, 6, "%s", "much too long"), buf, sizeof buf);

    char big[64];
    printf("sprintf %%c with 0: %d\n", sprintf(big, "a%cb", 0));
    printf("sprintf long: %d\n", sprintf(big, "%50d", 1));
    printf("_scprintf: %d\n", _scprintf("%s=%d", "answer", 42));
    int a, b;
    sprintf(big, "%d %d", 10, 20);
    printf("round trip: %d\n", sscanf(big, "%d %d", &a, &b) == 2 && a == 10 && b == 20);
    return 0;
}
