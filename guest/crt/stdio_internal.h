/*
 * What the stdio area's sources share: the file-descriptor table (lowio.c) and the stream bookkeeping (stdio.c).
 * Layers as in the Microsoft CRTs: a FILE buffers bytes over a file descriptor; the descriptor's _read and _write
 * do the text-mode translation (CRLF, Ctrl-Z, the UTF-16 and UTF-8 modes) over a Win32 handle.
 */
#ifndef WOW64EMU_CRT_STDIO_INTERNAL_H
#define WOW64EMU_CRT_STDIO_INTERNAL_H

#include "crt.h"

/* <fcntl.h>'s open flags */
#define CRT_O_RDONLY 0x0000
#define CRT_O_WRONLY 0x0001
#define CRT_O_RDWR 0x0002
#define CRT_O_ACCMODE 0x0003
#define CRT_O_APPEND 0x0008
#define CRT_O_RANDOM 0x0010
#define CRT_O_SEQUENTIAL 0x0020
#define CRT_O_TEMPORARY 0x0040
#define CRT_O_NOINHERIT 0x0080
#define CRT_O_CREAT 0x0100
#define CRT_O_TRUNC 0x0200
#define CRT_O_EXCL 0x0400
#define CRT_O_SHORT_LIVED 0x1000
#define CRT_O_OBTAIN_DIR 0x2000
#define CRT_O_TEXT 0x4000
#define CRT_O_BINARY 0x8000
#define CRT_O_WTEXT 0x10000
#define CRT_O_U16TEXT 0x20000
#define CRT_O_U8TEXT 0x40000
#define CRT_O_ANYTEXT (CRT_O_TEXT | CRT_O_WTEXT | CRT_O_U16TEXT | CRT_O_U8TEXT)

/* <share.h> and <sys/stat.h>'s permission bits */
#define CRT_SH_DENYRW 0x10
#define CRT_SH_DENYWR 0x20
#define CRT_SH_DENYRD 0x30
#define CRT_SH_DENYNO 0x40
#define CRT_SH_SECURE 0x80
#define CRT_S_IREAD 0x0100
#define CRT_S_IWRITE 0x0080

/* One file descriptor. */
struct crt_fd {
    HANDLE handle;
    unsigned char flags;          /* FD_* */
    unsigned char text;           /* FD_TEXT_* when flags has FD_TEXTMODE */
    unsigned char peeked;         /* the bytes read ahead from a pipe or device (a unit after a CR) */
    char peek[2];
};
#define FD_OPEN 0x01
#define FD_EOF 0x02               /* a Ctrl-Z ended the input (text mode) */
#define FD_PIPE 0x08
#define FD_APPEND 0x20
#define FD_DEV 0x40               /* a character device (the console) */
#define FD_TEXTMODE 0x80
#define FD_TEXT_ANSI 0
#define FD_TEXT_UTF8 1
#define FD_TEXT_UTF16 2

/* The open descriptor fd (NULL, errno EBADF and for the UCRT the invalid-parameter path when it is not). */
struct crt_fd *crt_fd_get(int fd);
/* The same without the error path: NULL when fd is not open. */
struct crt_fd *crt_fd_find(int fd);
/* FD_DEV or FD_PIPE for a handle's file type; 0 for a disk file. */
unsigned char crt_fd_type_flags(HANDLE handle);
/* A new descriptor over handle with the given FD_ flags and text mode; -1 (errno EMFILE) when none is free. */
int crt_fd_alloc(HANDLE handle, unsigned char flags, unsigned char text);
/* The _O_ text-mode flags to the descriptor's mode (0 when flags names none: _fmode decides). */
void crt_fd_set_mode(struct crt_fd *entry, int oflag);
/* _wsopen's work (path not NULL): the descriptor, or -1 with errno set. */
int crt_wopen(const wchar_t *path, int oflag, int shflag, int pmode);

/* A path in the ANSI code page as a wide string from the heap (NULL, errno ENOMEM/EINVAL, when it cannot be). */
wchar_t *crt_path_to_wide(const char *path);

/* The stream flags of msvcrt's <stdio.h> and the CRT's own. */
#define IO_READ 0x0001
#define IO_WRT 0x0002
#define IO_NBF 0x0004
#define IO_MYBUF 0x0008
#define IO_EOF 0x0010
#define IO_ERR 0x0020
#define IO_STRG 0x0040
#define IO_RW 0x0080
#define IO_YOURBUF 0x0100
#define IO_SETVBUF 0x0400
#define IO_COMMIT 0x4000
#define IO_TEMPBUF 0x10000        /* a console's stdout/stderr: the buffer is written at the end of each call */
#define CRT_BUFSIZ 4096
#define CRT_IOB_ENTRIES 20

/* The first streams, as msvcrt exports them: stdin, stdout and stderr first. */
extern FILE _iob[CRT_IOB_ENTRIES];
#define CRT_STDIN (&_iob[0])
#define CRT_STDOUT (&_iob[1])
#define CRT_STDERR (&_iob[2])

/* The standard descriptors at process attach (lowio.c). */
void crt_lowio_init(void);
/* fflush(NULL): every stream open for writing; EOF when one failed. */
int crt_flush_streams(void);

/* A free stream, its lock initialised, with its _flag still 0 and its lock held; NULL (errno EMFILE) when none. */
FILE *crt_stream_alloc(void);
/* Opens `path` as fopen's `mode` into `stream` (held, its _flag 0): the stream or NULL with errno set. */
FILE *crt_stream_open(const wchar_t *path, const wchar_t *mode, int shflag, FILE *stream);
/* fflush and fclose without taking the lock. */
int crt_stream_flush(FILE *stream);
int crt_stream_close(FILE *stream);
/* 0 for a stream whose descriptor is in a Unicode mode (_O_U16TEXT, _O_U8TEXT, _O_WTEXT), where the narrow
 * character functions take the invalid-parameter path (EINVAL). */
int crt_stream_is_narrow(FILE *stream);
int CRT_EXPORT _fileno(FILE *stream);
int CRT_EXPORT _filbuf(FILE *stream);
int CRT_EXPORT _flsbuf(int c, FILE *stream);

/* A NULL stream (or other argument) takes the invalid-parameter path: EINVAL and `result`. */
#define CHECK_STREAM(stream, result)                                                                             \
    do {                                                                                                         \
        if (!(stream)) {                                                                                         \
            crt_invalid_parameter(CRT_EINVAL);                                                                   \
            return result;                                                                                       \
        }                                                                                                        \
    } while (0)

/* low-level I/O as the stream layer calls it */
int CRT_EXPORT _read(int fd, void *buffer, unsigned int count);
int CRT_EXPORT _write(int fd, const void *buffer, unsigned int count);
int CRT_EXPORT _close(int fd);
long long CRT_EXPORT _lseeki64(int fd, long long offset, int origin);
int CRT_EXPORT _commit(int fd);
int CRT_EXPORT _isatty(int fd);

#define CRT_SEEK_SET 0
#define CRT_SEEK_CUR 1
#define CRT_SEEK_END 2

/* errno */
static inline void crt_set_errno(int err)
{
    crt_thread_data()->err = err;
}

/* strerror's table is the string area's (declared here, defined there). */
char *__cdecl strerror(int err);

extern int _fmode;
extern int _commode;

#endif
