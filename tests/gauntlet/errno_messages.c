#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    errno = 0;
    FILE *f = fopen("no_such_file.txt", "r");
    int err = errno;
    printf("fopen: %s, errno=%d (ENOENT=%d)\n", f ? "opened" : "NULL", err, ENOENT);
    printf("strerror: %s\n", strerror(err));
    perror("fopen no_such_file.txt");
    errno = EACCES;
    perror(NULL);
    errno = 0;
    perror("no error");
    int codes[] = {0, EPERM, ENOENT, EBADF, ENOMEM, EACCES, EEXIST, ENOTDIR, EISDIR, EINVAL, EMFILE, ENOSPC,
                   EPIPE, EDOM, ERANGE, EDEADLK, ENAMETOOLONG, ENOTEMPTY, EILSEQ, 37, 43, 99};
    for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++)
        printf("%2d: %s\n", codes[i], strerror(codes[i]));
    printf("_strerror: %s", _strerror("prefix"));
    return 0;
}
