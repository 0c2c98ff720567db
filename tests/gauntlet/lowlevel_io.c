#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <sys/stat.h>

int main(void)
{
    int r, fd = _open("low.bin", _O_CREAT | _O_TRUNC | _O_RDWR | _O_BINARY, _S_IREAD | _S_IWRITE);
    printf("fd is %s\n", fd >= 3 ? ">= 3" : "small");
    printf("_write: %d\n", _write(fd, "0123456789abcdef", 16));
    printf("_lseek end: %ld\n", _lseek(fd, 0, SEEK_END));
    printf("_lseek set: %ld\n", _lseek(fd, 4, SEEK_SET));
    char buf[8] = {0};
    r = _read(fd, buf, 6);
    printf("_read: %d [%.6s]\n", r, buf);
    printf("_tell: %ld\n", _tell(fd));
    printf("_filelength: %ld\n", _filelength(fd));
    printf("_eof: %d\n", _eof(fd));
    _lseek(fd, 0, SEEK_END);
    printf("_eof at end: %d\n", _eof(fd));
    printf("_read at end: %d\n", _read(fd, buf, 4));
    printf("_chsize: %d\n", _chsize(fd, 10));
    printf("_filelength: %ld\n", _filelength(fd));
    printf("_close: %d\n", _close(fd));
    /* The call first, then errno: the order in which printf's arguments are evaluated is unspecified. */
    r = _open("missing.bin", _O_RDONLY);
    printf("_open missing: %d errno=%d\n", r, errno);
    fd = _open("low.bin", _O_CREAT | _O_EXCL | _O_WRONLY, _S_IREAD | _S_IWRITE);
    printf("_O_EXCL on an existing file: %d errno=%d\n", fd, errno);
    printf("_fileno(stdin,stdout,stderr): %d %d %d\n", _fileno(stdin), _fileno(stdout), _fileno(stderr));
    printf("_unlink: %d\n", _unlink("low.bin"));
    return 0;
}
