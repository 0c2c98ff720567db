"""The C runtime's start-up and shutdown (guest/crt/startup.c, signal.c, setjmp.c): the command line split by each
DLL's rule, the onexit tables and exit's order, abort, setjmp/longjmp. The programs are built by mingw-w64's gcc
against the toolchain's own import libraries (libmsvcrt.a, libucrtbase.a) with their own entry point, so that
they call the start-up functions themselves, as a C runtime's start-up code does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.toolchain import NO_CRT, Ran, build, build_and_run, run_program

WIDTHS = ("x86", "x64")
CRTS = ("msvcrt", "ucrtbase")
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bin"

PRELUDE = r"""
#include <windows.h>
static void out(const char *s) { DWORD n; WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), s, lstrlenA(s), &n, 0); }
static void out_int(int v) { char b[12]; int i = 11; b[i] = 0; unsigned u = v < 0 ? -v : v;
    do { b[--i] = '0' + u % 10; u /= 10; } while (u); if (v < 0) b[--i] = '-'; out(b + i); }
"""


def run_c(source: str, tmp_path: Path, width: str, crt: str, *args: str) -> Ran:
    program = build(PRELUDE + source, tmp_path / f"{crt}_{width}.exe", width,
                    flags=(*NO_CRT, *(("-DUCRT",) if crt == "ucrtbase" else ())), libs=(crt, "kernel32"))
    root = tmp_path / f"c_{crt}_{width}"
    root.mkdir(exist_ok=True)
    return run_program(program, root, *args)


ARGS = r"""
extern char **__cdecl __p__acmdln(void);
#ifdef UCRT
int __cdecl _configure_narrow_argv(int mode);
char ***__cdecl __p___argv(void);
int *__cdecl __p___argc(void);
#else
typedef struct { int newmode; } startinfo;
int __cdecl __getmainargs(int *, char ***, char ***, int, startinfo *);
#endif
void start(void)
{
    int argc; char **argv;
    *__p__acmdln() = "\"C:\\my prog.exe\"x a\\\\b \"c d\" e\\\"f g\\\\\\\\\"h i\" \"j\"\"k l\" \"\"\"m\"  \t n\"";
#ifdef UCRT
    _configure_narrow_argv(1); argc = *__p___argc(); argv = *__p___argv();
#else
    char **env; startinfo si = {0};
    __getmainargs(&argc, &argv, &env, 0, &si);
#endif
    for (int i = 0; i < argc; i++) { out("["); out(argv[i]); out("]"); }
    out(argv[argc] ? " no NULL\n" : "\n");
    ExitProcess(argc);
}
"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("crt", CRTS)
def test_the_command_line_is_split_by_each_runtimes_rule(width: str, crt: str, tmp_path: Path) -> None:
    # The command line: "C:\my prog.exe"x a\\b "c d" e\"f g\\\\"h i" "j""k l" """m"  <tab> n"
    # The program name ends at the first blank outside quotes, no backslash rule; 2n backslashes before a quote
    # give n and the quote quotes, 2n+1 give n and a literal quote. A "" inside quotes is a literal quote: msvcrt.dll
    # (Visual C++ 6's rule) then leaves quoting, the UCRT (the rule since 2008) stays in it.
    ran = run_c(ARGS, tmp_path, width, crt)
    common = r"[C:\my prog.exex][a\\b][c d][e" + '"' + r"f][g\\h i]"
    tail = '[j"k][l "m][n]\n' if crt == "msvcrt" else '[j"k l]["m][n]\n'
    assert (ran.status, ran.stdout) == (8 if crt == "msvcrt" else 8, common + tail)


EXITS = r"""
#include <stdlib.h>
/* msvcrt.dll's own atexit (the toolchain's libmsvcrt.a has a static atexit for programs linked with its start-up) */
extern int (__cdecl *__MINGW_IMP_SYMBOL(atexit))(void (__cdecl *)(void));
#define atexit __MINGW_IMP_SYMBOL(atexit)
static void first(void) { out("first registered, run last\n"); }
static void second(void) { out("second registered, run first\n"); }
static int third(void) { out("_onexit's, run before both\n"); return 0; }
void start(void)
{
    char *how = GetCommandLineA();
    atexit(first);
    atexit(second);
    _onexit(third);
    out("main\n");
    if (lstrcmpA(how + lstrlenA(how) - 5, "_exit") == 0) _exit(6);
    if (lstrcmpA(how + lstrlenA(how) - 11, "ExitProcess") == 0) ExitProcess(7);
    exit(5);
}
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_exit_runs_the_registered_functions_in_reverse_and__exit_runs_none(width: str, tmp_path: Path) -> None:
    ran = run_c(EXITS, tmp_path, width, "msvcrt", "exit")
    assert (ran.status, ran.stdout) == (5, "main\n_onexit's, run before both\nsecond registered, run first\n"
                                           "first registered, run last\n")
    ran = run_program(tmp_path / f"msvcrt_{width}.exe", tmp_path / f"c_msvcrt_{width}", "_exit")
    assert (ran.status, ran.stdout) == (6, "main\n")
    # msvcrt.dll runs them also when the program ends with ExitProcess (its DLL entry point calls _cexit).
    ran = run_program(tmp_path / f"msvcrt_{width}.exe", tmp_path / f"c_msvcrt_{width}", "ExitProcess")
    assert (ran.status, ran.stdout) == (7, "main\n_onexit's, run before both\nsecond registered, run first\n"
                                           "first registered, run last\n")


ONEXIT_TABLE = r"""
typedef void (__cdecl *fn_t)(void);
typedef struct { fn_t *first, *last, *end; } table_t;
int __cdecl _initialize_onexit_table(table_t *);
int __cdecl _register_onexit_function(table_t *, fn_t);
int __cdecl _execute_onexit_table(table_t *);
int __cdecl _initterm_e(int (__cdecl **)(void), int (__cdecl **)(void));
void __cdecl _initterm(fn_t *, fn_t *);
static int n;
static void count(void) { n++; }
static void show(void) { out_int(n); out(" "); }
static int ok(void) { out("ok "); return 0; }
static int fails(void) { out("fails "); return 7; }
static int never(void) { out("never "); return 0; }
void start(void)
{
    static table_t t;
    fn_t inits[] = {count, 0, count, show};
    int (__cdecl *checked[])(void) = {ok, 0, fails, never};
    _initterm(inits, inits + 4);
    out_int(_initterm_e(checked, checked + 4)); out("\n");
    _initialize_onexit_table(&t);
    for (int i = 0; i < 1000; i++) _register_onexit_function(&t, count);
    _register_onexit_function(&t, show);
    _execute_onexit_table(&t);
    show();
    out(t.first == 0 && t.last == 0 ? "emptied\n" : "not emptied\n");
    ExitProcess(0);
}
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_initialiser_and_onexit_tables(width: str, tmp_path: Path) -> None:
    # _initterm skips NULL entries; _initterm_e stops at the first non-zero result and returns it; an onexit table
    # grows as needed and runs in reverse order of registration, then is empty.
    ran = run_c(ONEXIT_TABLE, tmp_path, width, "ucrtbase")
    assert (ran.status, ran.stdout) == (0, "2 ok fails 7\n2 1002 emptied\n")


ABORT = r"""
void __cdecl abort(void);
void start(void) { out("before\n"); abort(); }
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_abort_as_each_runtime_ends_a_program(width: str, tmp_path: Path) -> None:
    # msvcrt.dll writes its message and ends with 3; the UCRT ends through __fastfail(FAST_FAIL_FATAL_APP_EXIT).
    ran = run_c(ABORT, tmp_path, width, "msvcrt")
    assert (ran.status, ran.stdout) == (3, "before\n")
    assert ran.stderr == ("\nThis application has requested the Runtime to terminate it in an unusual way.\n"
                          "Please contact the application's support team for more information.\n")
    ran = run_c(ABORT, tmp_path, width, "ucrtbase")
    assert (ran.status, ran.stdout) == (0xC0000409, "before\n")


JUMPS = r"""
#include <setjmp.h>
static jmp_buf where;
static volatile int depth;
static void __attribute__((noinline)) deeper(int n)
{
    if (n == 0) longjmp(where, 42);
    depth++;
    deeper(n - 1);
    out("not reached\n");
}
void start(void)
{
    volatile int rounds = 0;
    int value = setjmp(where);
    out("setjmp gave "); out_int(value); out("\n");
    if (rounds++ < 2) deeper(10);
    if (value == 0) out("zero\n");
    out("depth "); out_int(depth); out("\n");
    ExitProcess(0);
}
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_longjmp_returns_to_setjmp_through_the_frames_between(width: str, tmp_path: Path) -> None:
    # mingw-w64's setjmp is _setjmp3(buf, NULL) on x86 and _setjmp(buf, frame) on x86_64, where longjmp unwinds to
    # the frame with RtlUnwind (a STATUS_LONGJUMP unwind; ntdll restores the registers from the buffer).
    ran = run_c(JUMPS, tmp_path, width, "msvcrt")
    assert (ran.status, ran.stdout) == (0, "setjmp gave 0\nsetjmp gave 42\nsetjmp gave 42\ndepth 20\n")


SPAWN = r"""
#include <process.h>
#include <errno.h>
void start(void)
{
    const char *missing[] = {"missing.exe", 0}, *code[] = {"code.exe", "42", 0}, *echo[] = {"child.exe", "echo",
                                                                                          "from the child", 0};
    intptr_t r = _spawnv(_P_WAIT, "C:\\missing.exe", missing);
    out_int((int)r); out(" "); out_int(*_errno()); out("\n");
    r = _spawnv(_P_WAIT, "C:\\code.exe", code);
    out_int((int)r); out("\n");
    r = _execv("C:\\child.exe", echo);
    out("not reached\n");
    ExitProcess(1);
}
"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("crt", CRTS)
def test_spawn_and_exec_start_programs(width: str, crt: str, tmp_path: Path) -> None:
    # A program that is not there: -1 and ENOENT (2) from ERROR_FILE_NOT_FOUND; _P_WAIT gives the child's exit code;
    # _execv ends the caller (exit status 0) once the child has started, and the child's output follows.
    root = tmp_path / f"c_{crt}_{width}"
    root.mkdir()
    shutil.copyfile(FIXTURES / width / "exitcode.exe", root / "code.exe")
    shutil.copyfile(FIXTURES / width / "childenv.exe", root / "child.exe")
    ran = run_c(SPAWN, tmp_path, width, crt)
    assert (ran.status, ran.stdout) == (0, "-1 2\n42\nfrom the child\n")


THREADS = r"""
#include <process.h>
#include <errno.h>
static unsigned __stdcall body(void *p) { (void)p; return 5; }
void start(void)
{
    uintptr_t t = _beginthreadex(0, 0, body, 0, 0, 0);
    out_int(t != 0); out(" "); out_int(*_errno()); out("\n");
    _endthreadex(9);
}
"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("crt", CRTS)
def test_beginthreadex_starts_a_thread_and_the_last_thread_to_end_gives_the_exit_code(
        width: str, crt: str, tmp_path: Path) -> None:
    # _endthreadex(9) ends the first thread only: the process lives on until its last thread, the new one, ends,
    # and takes that one's code (5), as on Windows.
    ran = run_c(THREADS, tmp_path, width, crt)
    assert (ran.status, ran.stdout) == (5, "1 0\n")


ASSERTS = r"""
#include <assert.h>
#include <stdio.h>
int main(void)
{
    printf("before\n");
#line 7 "prog.c"
    assert(1 + 1 == 3);
    printf("not reached\n");
    return 0;
}
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_a_failed_assert_writes_its_line_and_aborts(width: str, tmp_path: Path) -> None:
    # `gcc prog.c`: mingw-w64's assert calls msvcrt's _assert: the line on stderr (the streams flushed first), then
    # abort's message and exit code 3.
    ran = build_and_run(ASSERTS, tmp_path, width)
    assert (ran.status, ran.stdout) == (3, "before\r\n")
    assert ran.stderr == ("Assertion failed: 1 + 1 == 3, file prog.c, line 7\n"
                          "\nThis application has requested the Runtime to terminate it in an unusual way.\n"
                          "Please contact the application's support team for more information.\n")


SEGV = r"""
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
static jmp_buf back;
static void on_segv(int sig)
{
    printf("SIGSEGV handler: signal %d\n", sig);
    longjmp(back, 1);
}
int main(void)
{
    volatile int *nowhere = 0;
    int where = setjmp(back);
    if (where == 0) {
        signal(SIGSEGV, on_segv);
        *nowhere = 1;
    }
    if (where == 1) {
        printf("after the access violation\n");
        signal(SIGSEGV, SIG_DFL);
        *nowhere = 2;
    }
    return 0;
}
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_a_real_access_violation_reaches_the_programs_sigsegv_handler(width: str, tmp_path: Path) -> None:
    # The fault goes unhandled to the top-level filter (mingw-w64's start-up installs one that asks signal() for the
    # SIGSEGV handler, as the CRTs' _XcptFilter does); with SIG_DFL again, the second fault ends the process.
    ran = build_and_run(SEGV, tmp_path, width)
    assert ran.stdout == "SIGSEGV handler: signal 11\r\nafter the access violation\r\n"
    assert ran.status == 0xC0000005
