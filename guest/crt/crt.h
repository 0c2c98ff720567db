/*
 * The C runtime of the wow64emu guest: one implementation in guest C behind several export tables. The same objects
 * are linked twice per width, as msvcrt.dll (what mingw-w64 links by default) and as ucrtbase.dll (what MSVC
 * builds since 2015 import through the api-ms-win-crt-* API sets); vcruntime140.dll forwards its C-level exports
 * to ucrtbase.dll. Where the two DLLs behave differently on Windows (printf's exponent digits, the command line's
 * "" rule, the start-up entry points), the code asks crt_flavor, which one small object per DLL defines
 * (flavor/<dll>.c). Each DLL has its own copy of every global, as two DLLs on Windows do.
 *
 * Areas, one or a few sources each, with their exports in exports/<area>.def (export lines may end with
 * "; only WORDS", WORDS among msvcrt, ucrtbase, x86, x64: the line is kept only in those DLLs and widths):
 *   startup.c      arguments, environment, initialisers, atexit/_onexit, exit/_exit/_cexit, app type, abort
 *   threaddata.c   the per-thread data (errno, _doserrno, strtok's position, ...), the invalid-parameter path
 *   locks.c        _lock/_unlock and the CRT's critical sections
 *   stdio/lowio    FILE streams over file descriptors over handles (stdio.h, io.h)
 *   format         the printf and scanf families, narrow and wide, over sinks and sources
 *   string/stdlib/ctype/locale/time/math ...
 *
 * The guest CRT includes mingw-w64's <windows.h> for the Win32 declarations it calls (kernel32, ntdll), never
 * mingw-w64's C headers (<stdio.h>, ...): what a C header declares is defined here, with the prototypes below.
 */
#ifndef WOW64EMU_CRT_H
#define WOW64EMU_CRT_H

#define WIN32_LEAN_AND_MEAN
#define _CRTIMP                  /* what <windows.h> declares of the C library is defined here, not imported */
#include <windows.h>
/* <windows.h> brings <stdlib.h>'s macros for the CRT's data (x86_64: "#define _environ (*__p__environ())"): the
 * CRT defines the data itself. */
#undef __argc
#undef __argv
#undef __wargv
#undef _environ
#undef _wenviron
#undef _fmode
#undef _pgmptr
#undef _wpgmptr
#undef _commode
#undef _acmdln
#undef _wcmdln
#undef __initenv
#undef __winitenv
#undef errno
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* The DLL these objects are linked into (flavor/msvcrt.c, flavor/ucrtbase.c). */
enum crt_flavor { CRT_MSVCRT, CRT_UCRT };
extern const enum crt_flavor crt_flavor;

#define CRT_EXPORT __cdecl

/* errno values (errno.h) */
#define CRT_EPERM 1
#define CRT_ENOENT 2
#define CRT_EINTR 4
#define CRT_EIO 5
#define CRT_EBADF 9
#define CRT_EAGAIN 11
#define CRT_ENOMEM 12
#define CRT_EACCES 13
#define CRT_EEXIST 17
#define CRT_ENOTDIR 20
#define CRT_EISDIR 21
#define CRT_EINVAL 22
#define CRT_EMFILE 24
#define CRT_ENOSPC 28
#define CRT_ESPIPE 29
#define CRT_EPIPE 32
#define CRT_EDOM 33
#define CRT_ERANGE 34
#define CRT_EILSEQ 42
#define CRT_STRUNCATE 80

/* The per-thread data of the CRT (threaddata.c), allocated on a thread's first use. */
struct crt_thread_data {
    int err;                       /* errno */
    unsigned long doserr;          /* _doserrno */
    char *strtok_next;             /* strtok's position */
    wchar_t *wcstok_next;          /* wcstok's position */
    unsigned int rand_next;        /* rand's state (srand per thread, as the Microsoft CRTs keep it) */
    char *strerror_buf;            /* strerror's message buffer */
    char asctime_buf[26];          /* asctime/ctime's result */
    wchar_t wasctime_buf[26];      /* _wasctime/_wctime's result */
    unsigned char tm_buf[36];      /* gmtime/localtime's struct tm */
    char tmpnam_buf[260];          /* tmpnam(NULL)'s result */
};
struct crt_thread_data *crt_thread_data(void);

/* errno from a Win32 error, as _dosmaperr maps it (threaddata.c): sets errno and _doserrno. */
void crt_set_errno_from_win32(DWORD error);

/* The invalid-parameter path: calls the handler set by _set_invalid_parameter_handler, or the default one, which
 * ends the process through __fastfail(FAST_FAIL_INVALID_ARG) (0xC0000409) as Windows 10's CRTs do, and sets errno
 * to `err` when a handler returns (threaddata.c). */
void crt_invalid_parameter(int err);

/* __fastfail(code): int 0x29 with the code in ecx/rcx; the process ends with 0xC0000409, no handler sees it. */
static inline __attribute__((noreturn)) void crt_fastfail(unsigned code)
{
    __asm__ volatile("int $0x29" : : "c"((uintptr_t)code) : "memory");
    __builtin_unreachable();
}

/* Memory from the process heap (heap.c): the functions behind malloc/free, for the CRT's own use. */
void *crt_alloc(size_t size);
void *crt_zalloc(size_t size);
void *crt_realloc(void *block, size_t size);
void crt_free(void *block);

/* The CRT's locks (locks.c): numbers as msvcrt's _lock takes them. */
#define CRT_LOCK_SIGNAL 1
#define CRT_LOCK_IOB_SCAN 1
#define CRT_LOCK_TMPNAM 2
#define CRT_LOCK_HEAP 4
#define CRT_LOCK_ENV 7
#define CRT_LOCK_EXIT1 8
#define CRT_LOCK_EXIT2 9
#define CRT_LOCK_LOCALE 12
#define CRT_LOCK_OSFHND 10
#define CRT_LOCK_STREAM0 16       /* _iob[i]: _lock(16 + i), as msvcrt.dll and mingw-w64's own _lock_file take it */
#define CRT_LOCK_COUNT 48
void CRT_EXPORT _lock(int lock);
void CRT_EXPORT _unlock(int lock);

/*
 * The streams (the stdio area) as the formatting engine and the other areas use them. FILE has msvcrt's public
 * layout, which programs built against msvcrt's headers depend on (they index _iob by sizeof(FILE)); the UCRT's
 * FILE is opaque, and the same layout serves it. The crt_stream_* functions expect the caller to hold the stream's
 * lock (_lock_file); buffering, text-mode translation (LF -> CRLF out, CRLF -> LF and Ctrl-Z in) and the stream's
 * error and end-of-file flags are theirs.
 */
typedef struct _iobuf {
    char *_ptr;
    int _cnt;
    char *_base;
    int _flag;
    int _file;
    int _charbuf;
    int _bufsiz;
    char *_tmpfname;
} FILE;
#define CRT_EOF (-1)
#define CRT_WEOF ((unsigned short)0xFFFF)
void CRT_EXPORT _lock_file(FILE *stream);
void CRT_EXPORT _unlock_file(FILE *stream);
/* n bytes to the stream: the count written (less than n on an error, which sets the stream's error flag). */
size_t crt_stream_write(FILE *stream, const char *data, size_t n);
/* A wide character as fputwc writes it (in text mode converted to the code page, or UTF-16 in the _O_U16TEXT,
 * _O_U8TEXT and _O_WTEXT modes): the character, or CRT_WEOF. */
unsigned short crt_stream_putwc(wchar_t c, FILE *stream);
/* The next byte as fgetc reads it, or CRT_EOF; and ungetc's push-back. */
int crt_stream_getc(FILE *stream);
int crt_stream_ungetc(int c, FILE *stream);
/* The next wide character as fgetwc reads it, or CRT_WEOF; and ungetwc's push-back. */
unsigned short crt_stream_getwc(FILE *stream);
unsigned short crt_stream_ungetwc(unsigned short c, FILE *stream);

/* Start-up and shutdown (startup.c). crt_flush_all is the streams' (stdio), called by exit and _cexit after the
 * atexit functions; crt_atexit_run runs the registered functions in reverse order, once. */
int crt_flush_all(void);
__attribute__((noreturn)) void __cdecl exit(int code);
__attribute__((noreturn)) void __cdecl _exit(int code);
extern char **_environ;
extern wchar_t **_wenviron;
/* Rebuilds _environ and _wenviron from the process environment (after _putenv and SetEnvironmentVariable). */
void crt_environ_refresh(void);

#endif
