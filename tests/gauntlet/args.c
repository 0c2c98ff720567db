#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    printf("argc=%d\n", argc);
    /* argv[0] is the program as the command line names it: print only its last component. */
    const char *slash = strrchr(argv[0], '\\');
    printf("argv[0] ends with [%s]\n", slash ? slash + 1 : argv[0]);
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=[%s] (%u)\n", i, argv[i], (unsigned)strlen(argv[i]));
    printf("argv[argc]=%s\n", argv[argc] == NULL ? "NULL" : "not NULL");
    return 0;
}
