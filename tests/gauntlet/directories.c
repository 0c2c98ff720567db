#include <direct.h>
#include <errno.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *pattern)
{
    struct _finddata_t found;
    char *names[32];
    int n = 0;
    intptr_t h = _findfirst(pattern, &found);
    if (h == -1) {
        printf("%s: nothing (errno %d)\n", pattern, errno);
        return;
    }
    do {
        char entry[300];
        sprintf(entry, "%s%s", found.name, (found.attrib & _A_SUBDIR) ? "/" : "");
        if (!(found.attrib & _A_SUBDIR))
            sprintf(entry + strlen(entry), " %lu", (unsigned long)found.size);
        names[n++] = _strdup(entry);
    } while (_findnext(h, &found) == 0 && n < 32);
    _findclose(h);
    qsort(names, n, sizeof names[0], by_name);
    printf("%s:", pattern);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

/* The call first, then errno: the order in which printf's arguments are evaluated is unspecified. */
static void report(const char *what, int result)
{
    if (result == -1)
        printf("%s: %d errno=%d\n", what, result, errno);
    else
        printf("%s: %d\n", what, result);
}

#define REPORT(what, call) do { errno = 0; report(what, call); } while (0)

static void touch(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    fputs(text, f);
    fclose(f);
}

int main(void)
{
    REPORT("_mkdir", _mkdir("gdir"));
    REPORT("_mkdir again", _mkdir("gdir"));
    REPORT("_mkdir sub", _mkdir("gdir\\sub"));
    touch("gdir\\b.txt", "bee");
    touch("gdir/a.txt", "a");
    touch("gdir\\c.dat", "sea water");
    list("gdir\\*");
    list("gdir\\*.txt");
    list("gdir\\*.none");

    REPORT("rename", rename("gdir\\a.txt", "gdir\\sub\\moved.txt"));
    REPORT("rename missing", rename("gdir\\nothing", "gdir\\x"));
    REPORT("rename onto an existing file", rename("gdir\\b.txt", "gdir\\c.dat"));
    list("gdir\\*");
    list("gdir\\sub\\*");

    struct stat st;
    REPORT("stat", stat("gdir\\c.dat", &st));
    printf("size=%ld dir=%d\n", (long)st.st_size, (st.st_mode & S_IFDIR) != 0);
    REPORT("stat dir", stat("gdir", &st));
    printf("dir=%d\n", (st.st_mode & S_IFDIR) != 0);
    REPORT("stat missing", stat("gdir\\zzz", &st));
    REPORT("_access", _access("gdir\\b.txt", 0));
    REPORT("_access missing", _access("gdir\\zzz", 0));
    REPORT("_rmdir non-empty", _rmdir("gdir"));
    REPORT("_chdir", _chdir("gdir"));
    char cwd[260];
    printf("_getcwd: %s\n", _getcwd(cwd, sizeof cwd));
    REPORT("remove", remove("b.txt"));
    REPORT("remove", remove("c.dat"));
    REPORT("remove", remove("sub\\moved.txt"));
    REPORT("remove missing", remove("b.txt"));
    REPORT("_rmdir sub", _rmdir("sub"));
    REPORT("_chdir ..", _chdir(".."));
    REPORT("_rmdir", _rmdir("gdir"));
    REPORT("_rmdir missing", _rmdir("gdir"));
    return 0;
}
