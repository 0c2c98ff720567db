"""The C runtime's stdio and low-level I/O (guest/crt/stdio*.c, lowio*.c): programs built by mingw-w64's own gcc
against msvcrt.dll (and, through LoadLibrary, ucrtbase.dll), run in both widths; what they write (the standard
streams, the files on the C: drive) is what Windows' own CRTs give."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.drive import own_entries
from tests.toolchain import build, build_and_run, run_program

WIDTHS = ("x86", "x64")

# Printing helpers for the test programs (no printf: the format engine is another area's).
PRELUDE = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <io.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <share.h>
#include <wchar.h>
static void num_to(FILE *f, long long v)
{
    char buf[24], *p = buf + sizeof buf;
    int neg = v < 0;
    unsigned long long u = neg ? -(unsigned long long)v : (unsigned long long)v;
    *--p = 0;
    do { *--p = (char)('0' + u % 10); u /= 10; } while (u);
    if (neg) *--p = '-';
    fputs(p, f);
}
static void num(long long v) { num_to(stdout, v); }
static void say(const char *label, long long v)
{
    fputs(label, stdout); fputc('=', stdout); num(v); fputc('\n', stdout);
}
static void show(const char *label, const char *s)
{
    fputs(label, stdout); fputs("=[", stdout); fputs(s, stdout); fputs("]\n", stdout);
}
"""


def run(source: str, tmp_path: Path, width: str, *args: str, stdin: bytes = b"", files: dict | None = None):
    """Builds PRELUDE + source and runs it with `files` (name: bytes) put on the C: drive first."""
    root = tmp_path / f"c_{width}"
    root.mkdir(exist_ok=True)
    for name, data in (files or {}).items():
        (root / name).write_bytes(data)
    return build_and_run(PRELUDE + source, tmp_path, width, *args, stdin=stdin)


def lines(*items: str) -> str:
    return "".join(f"{item}\r\n" for item in items)


@pytest.mark.parametrize("width", WIDTHS)
def test_hello_world_with_puts(tmp_path, width):
    source = '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n'
    ran = build_and_run(source, tmp_path, width, flags=())
    assert (ran.status, ran.stdout, ran.stderr) == (0, "hello\r\n", "")


@pytest.mark.parametrize("width", WIDTHS)
def test_text_mode_writes_crlf_and_binary_mode_does_not(tmp_path, width):
    ran = run(r"""
int main(void)
{
    FILE *t = fopen("t.txt", "w"), *b = fopen("b.bin", "wb");
    char buf[16];
    fputs("a\nb\n", t);
    fwrite("a\nb\n", 1, 4, b);
    fclose(t);
    fclose(b);
    t = fopen("t.txt", "r");
    say("text", fread(buf, 1, sizeof buf, t));
    say("eof", feof(t) != 0);
    fclose(t);
    b = fopen("t.txt", "rb");
    say("binary", fread(buf, 1, sizeof buf, b));
    fclose(b);
    return 0;
}
""", tmp_path, width)
    root = tmp_path / f"c_{width}"
    assert (root / "t.txt").read_bytes() == b"a\r\nb\r\n"
    assert (root / "b.bin").read_bytes() == b"a\nb\n"
    assert (ran.status, ran.stdout) == (0, lines("text=4", "eof=1", "binary=6"))


@pytest.mark.parametrize("width", WIDTHS)
def test_ctrl_z_ends_text_input_from_a_file(tmp_path, width):
    ran = run(r"""
int main(void)
{
    char buf[16] = {0};
    FILE *f = fopen("z.txt", "r");
    size_t n = fread(buf, 1, sizeof buf, f);
    say("text", n);
    show("got", buf);
    say("getc", fgetc(f));
    fclose(f);
    f = fopen("z.txt", "rb");
    say("binary", fread(buf, 1, sizeof buf, f));
    fclose(f);
    /* Opened for update in text mode, a file loses the Ctrl-Z that ends it. */
    f = fopen("end.txt", "a+");
    fputs("more", f);
    fclose(f);
    return 0;
}
""", tmp_path, width, files={"z.txt": b"ab\r\n\x1acd", "end.txt": b"text\x1a"})
    assert ran.stdout == lines("text=3", "got=[ab", "]", "getc=-1", "binary=7")
    assert (tmp_path / f"c_{width}" / "end.txt").read_bytes() == b"textmore"


@pytest.mark.parametrize("width", WIDTHS)
def test_seek_and_tell(tmp_path, width):
    ran = run(r"""
int main(void)
{
    FILE *f = fopen("s.bin", "w+b");
    fpos_t pos;
    fputs("0123456789", f);
    say("tell", ftell(f));
    fseek(f, 3, SEEK_SET);
    say("c3", fgetc(f));
    say("tell", ftell(f));
    fseek(f, -2, SEEK_END);
    say("c8", fgetc(f));
    fseek(f, -5, SEEK_CUR);
    say("c4", fgetc(f));
    fgetpos(f, &pos);
    fgetc(f);
    fsetpos(f, &pos);
    say("c5", fgetc(f));
    rewind(f);
    say("c0", fgetc(f));
    say("i64", _ftelli64(f));
    _fseeki64(f, 0, SEEK_END);
    say("end", _ftelli64(f));
    fclose(f);
    f = fopen("lines.txt", "r");
    char buf[16];
    fgets(buf, sizeof buf, f);
    say("text_tell", ftell(f));
    fgets(buf, sizeof buf, f);
    show("second", buf);
    fclose(f);
    return 0;
}
""", tmp_path, width, files={"lines.txt": b"one\r\ntwo\r\n"})
    assert ran.stdout == lines("tell=10", "c3=51", "tell=4", "c8=56", "c4=52", "c5=53", "c0=48", "i64=1",
                               "end=10", "text_tell=5", "second=[two", "]")


@pytest.mark.parametrize("width", WIDTHS)
def test_append_mode_writes_at_the_end(tmp_path, width):
    ran = run(r"""
int main(void)
{
    FILE *f = fopen("a.txt", "ab");
    fputs("y", f);
    fseek(f, 0, SEEK_SET);
    fputs("z", f);
    fclose(f);
    f = fopen("a.txt", "a+b");
    say("first", fgetc(f));
    fseek(f, 0, SEEK_SET);
    fputs("!", f);
    fclose(f);
    return 0;
}
""", tmp_path, width, files={"a.txt": b"x"})
    assert ran.stdout == lines("first=120")
    assert (tmp_path / f"c_{width}" / "a.txt").read_bytes() == b"xyz!"


@pytest.mark.parametrize("width", WIDTHS)
def test_ungetc(tmp_path, width):
    ran = run(r"""
int main(void)
{
    FILE *f = fopen("u.txt", "r");
    int c = fgetc(f);
    say("unget", ungetc('Q', f));
    say("again", fgetc(f));
    say("next", fgetc(f));
    say("eof", ungetc(EOF, f));
    fgetc(f);
    say("end", fgetc(f));
    say("at_end", ungetc('E', f));
    say("feof", feof(f) != 0);
    say("back", fgetc(f));
    (void)c;
    fclose(f);
    return 0;
}
""", tmp_path, width, files={"u.txt": b"abc"})
    assert ran.stdout == lines("unget=81", "again=81", "next=98", "eof=-1", "end=-1", "at_end=69", "feof=0",
                               "back=69")


@pytest.mark.parametrize("width", WIDTHS)
def test_fgets_edge_cases(tmp_path, width):
    ran = run(r"""
int main(void)
{
    FILE *f = fopen("g.txt", "r");
    char buf[5];
    while (fgets(buf, sizeof buf, f))
        show("part", buf);
    say("null_at_end", fgets(buf, sizeof buf, f) == NULL);
    rewind(f);
    say("one", fgets(buf, 1, f) == buf && buf[0] == 0);
    say("zero", fgets(buf, 0, f) == NULL);
    fclose(f);
    return 0;
}
""", tmp_path, width, files={"g.txt": b"abcdefgh\r\nxy"})
    assert ran.stdout == lines("part=[abcd]", "part=[efgh]", "part=[", "]", "part=[xy]", "null_at_end=1",
                               "one=1", "zero=1")


@pytest.mark.parametrize("width", WIDTHS)
def test_reading_stdin(tmp_path, width):
    ran = run(r"""
int main(void)
{
    char buf[64];
    while (fgets(buf, sizeof buf, stdin))
        show("line", buf);
    say("eof", feof(stdin) != 0);
    say("getchar", getchar());
    return 0;
}
""", tmp_path, width, stdin=b"first\r\nsecond\r\nlast")
    assert ran.stdout == lines("line=[first", "]", "line=[second", "]", "line=[last]", "eof=1", "getchar=-1")


@pytest.mark.parametrize("width", WIDTHS)
def test_setmode_binary_stdout(tmp_path, width):
    ran = run(r"""
int main(void)
{
    int previous;
    fflush(stdout);
    previous = _setmode(_fileno(stdout), _O_BINARY);
    fputs("raw\n", stdout);
    fflush(stdout);
    _setmode(_fileno(stdout), _O_TEXT);
    say("previous", previous);
    return 0;
}
""", tmp_path, width)
    assert ran.stdout == "raw\n" + lines("previous=16384")


@pytest.mark.parametrize("width", WIDTHS)
def test_errno_for_a_missing_file_and_a_bad_descriptor(tmp_path, width):
    ran = run(r"""
int main(void)
{
    FILE *f;
    errno = 0;
    f = fopen("missing.txt", "r");
    say("null", f == NULL);
    say("errno", errno);
    errno = 0;
    say("write", _write(99, "x", 1));
    say("errno", errno);
    errno = 0;
    say("close", _close(-1));
    say("errno", errno);
    say("osfhandle", _get_osfhandle(42) == -1);
    say("open", _open("missing.txt", _O_RDONLY));
    say("errno", errno);
    fopen("nothere.txt", "r");
    perror("open");
    errno = EBADF;
    _wperror(L"wide");
    errno = EACCES;
    perror(NULL);
    return 0;
}
""", tmp_path, width)
    assert ran.stdout == lines("null=1", "errno=2", "write=-1", "errno=9", "close=-1", "errno=9", "osfhandle=1",
                               "open=-1", "errno=2")
    assert ran.stderr == lines("open: No such file or directory", "wide: Bad file descriptor", "Permission denied")


EXIT_PROGRAM = r"""
#include <windows.h>
int main(int argc, char **argv)
{
    FILE *f = fopen("out.txt", "w");
    fputs("kept", f);
    setvbuf(stdout, NULL, _IOFBF, 4096);
    fputs("buffered\n", stdout);
    if (argv[1][0] == 'e')
        exit(0);
    if (argv[1][0] == 'E')
        ExitProcess(0);
    _exit(0);
}
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_exit_flushes_streams_and__exit_does_not(tmp_path, width):
    program = build(PRELUDE + EXIT_PROGRAM, tmp_path / f"exit_{width}.exe", width, flags=("-O2",), libs=())
    root = tmp_path / f"c_{width}"
    root.mkdir()
    # exit, and ExitProcess without exit (msvcrt's DLL detach runs _cexit), flush; _exit does not.
    for how, stdout, kept in (("exit", "buffered\r\n", b"kept"), ("ExitProcess", "buffered\r\n", b"kept"),
                              ("_exit", "", b"")):
        ran = run_program(program, root, how)
        assert (ran.status, ran.stdout) == (0, stdout)
        assert (root / "out.txt").read_bytes() == kept


@pytest.mark.parametrize("width", WIDTHS)
def test_console_stdout_is_written_at_the_end_of_each_call(tmp_path, width):
    # A console's stdout shows each call's output at once: _exit after puts loses nothing.
    ran = run(r"""
int main(void)
{
    puts("shown");
    fputc('c', stdout);
    fputs("x\n", stderr);
    _exit(0);
}
""", tmp_path, width)
    assert (ran.stdout, ran.stderr) == ("shown\r\nc", "x\r\n")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_hundred_thousand_lines_run_fast(tmp_path, width):
    # To a file and to a fully buffered stdout: 4096-byte writes. (Line by line to the console, as on Windows, is
    # one write per line.)
    program = build(PRELUDE + r"""
int main(void)
{
    FILE *f = fopen("big.txt", "w");
    for (int i = 0; i < 100000; i++)
        fputs("a line of text\n", f);
    fclose(f);
    setvbuf(stdout, NULL, _IOFBF, 4096);
    for (int i = 0; i < 100000; i++)
        puts("line");
    return 0;
}
""", tmp_path / f"lines_{width}.exe", width, flags=("-O2",), libs=())
    root = tmp_path / f"c_{width}"
    root.mkdir()
    start = time.monotonic()
    ran = run_program(program, root)
    elapsed = time.monotonic() - start
    assert ran.status == 0
    assert ran.stdout == "line\r\n" * 100000
    assert (root / "big.txt").read_bytes() == b"a line of text\r\n" * 100000
    assert elapsed < 20


@pytest.mark.parametrize("width", WIDTHS)
def test_descriptors(tmp_path, width):
    ran = run(r"""
#include <windows.h>
int main(void)
{
    char buf[16] = {0};
    int fd = _open("d.txt", _O_CREAT | _O_EXCL | _O_WRONLY, _S_IREAD | _S_IWRITE), fd2;
    say("fd", fd);
    say("write", _write(fd, "a\nb", 3));
    say("tell", _tell(fd));
    _close(fd);
    say("again", _open("d.txt", _O_CREAT | _O_EXCL | _O_WRONLY, _S_IREAD | _S_IWRITE));
    say("errno", errno);
    fd = _open("d.txt", _O_RDWR | _O_BINARY);
    say("read", _read(fd, buf, sizeof buf));
    say("eof", _eof(fd));
    say("seek", _lseek(fd, 1, SEEK_SET));
    say("eof", _eof(fd));
    say("length", _filelength(fd));
    say("chsize", _chsize(fd, 6));
    say("length", _filelengthi64(fd));
    say("isatty_file", _isatty(fd) != 0);
    say("isatty_stdout", _isatty(1) != 0);
    fd2 = _dup(fd);
    say("dup", fd2 > fd);
    _lseek(fd2, 0, SEEK_END);
    _write(fd2, "Z", 1);
    _close(fd2);
    fd2 = _open_osfhandle(_get_osfhandle(fd), _O_BINARY);
    say("osf", fd2 > fd);
    fd = _open("redirect.txt", _O_CREAT | _O_WRONLY | _O_TRUNC, _S_IWRITE);
    say("dup2", _dup2(fd, 1));
    say("std_handle", GetStdHandle(STD_OUTPUT_HANDLE) == (HANDLE)_get_osfhandle(1));
    _write(1, "to file\n", 8);
    _close(fd);
    _close(1);
    return 0;
}
""", tmp_path, width)
    root = tmp_path / f"c_{width}"
    assert ran.stdout == lines("fd=3", "write=3", "tell=4", "again=-1", "errno=17", "read=4", "eof=1", "seek=1",
                               "eof=0", "length=4", "chsize=0", "length=6", "isatty_file=0", "isatty_stdout=1",
                               "dup=1", "osf=1")
    assert (root / "d.txt").read_bytes() == b"a\r\nb\0\0Z"
    assert (root / "redirect.txt").read_bytes() == b"dup2=0\r\nstd_handle=1\r\nto file\r\n"


@pytest.mark.parametrize("width", WIDTHS)
def test_files_and_directories(tmp_path, width):
    ran = run(r"""
int main(void)
{
    char cwd[260];
    FILE *f;
    say("mkdir", _mkdir("dir"));
    say("mkdir_again", _mkdir("dir"));
    say("errno", errno);
    say("access", _access("dir", 0));
    say("access_missing", _access("missing", 0));
    say("errno", errno);
    say("chdir", _chdir("dir"));
    show("cwd", _getcwd(cwd, sizeof cwd));
    say("small", _getcwd(cwd, 3) == NULL && errno == ERANGE);
    f = fopen("f.txt", "w");
    fputs("x", f);
    fclose(f);
    _chdir("..");
    say("rename", rename("dir\\f.txt", "g.txt"));
    close(_creat("h.txt", _S_IREAD | _S_IWRITE));
    say("rename_onto", rename("g.txt", "h.txt"));
    say("errno", errno);
    remove("h.txt");
    say("rmdir", _rmdir("dir"));
    say("remove", remove("g.txt"));
    say("remove_again", remove("g.txt"));
    say("errno", errno);
    close(_open("ro.txt", _O_CREAT | _O_WRONLY, _S_IREAD));
    say("access_ro_read", _access("ro.txt", 4));
    say("access_ro_write", _access("ro.txt", 2));
    say("errno", errno);
    say("unlink", _unlink("missing"));
    say("errno", errno);
    return 0;
}
""", tmp_path, width)
    assert ran.stdout == lines("mkdir=0", "mkdir_again=-1", "errno=17", "access=0", "access_missing=-1",
                               "errno=2", "chdir=0", "cwd=[C:\\dir]", "small=1", "rename=0", "rename_onto=-1",
                               "errno=17", "rmdir=0",
                               "remove=0", "remove_again=-1", "errno=2", "access_ro_read=0", "access_ro_write=-1",
                               "errno=13", "unlink=-1", "errno=2")


@pytest.mark.parametrize("width", WIDTHS)
def test_stat_in_every_layout(tmp_path, width):
    ran = run(r"""
int main(void)
{
    struct stat st;
    struct _stat64 st64;
    struct _stati64 sti64;
    int fd;
    say("sizes", sizeof(struct _stat32) * 1000000 + sizeof(struct _stat64) * 1000 + sizeof(struct stat));
    say("stat", stat("five.txt", &st));
    say("size", st.st_size);
    say("mode", st.st_mode);
    say("dev", st.st_dev);
    say("nlink", st.st_nlink);
    say("stat64", _stat64("five.txt", &st64));
    say("size", st64.st_size);
    say("same_mtime", st64.st_mtime == st.st_mtime);
    num(st64.st_mtime); fputs("\n", stdout);
    say("stati64", _stati64("five.txt", &sti64));
    say("size", sti64.st_size);
    _mkdir("sub");
    say("dir", stat("sub", &st));
    say("mode", st.st_mode);
    say("exe", stat("run.exe", &st));
    say("mode", st.st_mode);
    say("missing", stat("missing", &st));
    say("errno", errno);
    say("slash", _stat64("five.txt\\", &st64));
    say("wstat", _wstat(L"five.txt", (struct _stat *)&st));
    fd = _open("five.txt", _O_RDONLY);
    say("fstat", fstat(fd, &st));
    say("size", st.st_size);
    say("mode", st.st_mode);
    say("fstat64", _fstat64(fd, &st64));
    say("size", st64.st_size);
    say("fstat_console", fstat(1, &st));
    say("mode", st.st_mode);
    say("bad", fstat(77, &st));
    say("errno", errno);
    return 0;
}
""", tmp_path, width, files={"five.txt": b"12345", "run.exe": b"MZ"})
    out = ran.stdout.split("\r\n")
    mtime = int(out[9])
    host = (tmp_path / f"c_{width}" / "five.txt").stat().st_mtime
    assert abs(mtime - host) < 5
    del out[9]
    stat_size = 36 if width == "x86" else 48
    assert "\r\n".join(out) == lines(f"sizes={36056000 + stat_size}", "stat=0", "size=5", "mode=33206", "dev=2",
                                     "nlink=1", "stat64=0", "size=5", "same_mtime=1", "stati64=0", "size=5",
                                     "dir=0", "mode=16895", "exe=0", "mode=33279",
                                     "missing=-1", "errno=2", "slash=-1", "wstat=0", "fstat=0", "size=5",
                                     "mode=33206", "fstat64=0", "size=5", "fstat_console=0", "mode=8192", "bad=-1",
                                     "errno=9")


@pytest.fixture
def with_sub(tmp_path):
    for width in WIDTHS:
        (tmp_path / f"c_{width}" / "sub").mkdir(parents=True)
    return tmp_path


@pytest.mark.parametrize("width", WIDTHS)
def test_findfirst_in_every_layout(with_sub, width):
    tmp_path = with_sub
    ran = run(r"""
int main(void)
{
    struct _finddata_t fd;
    struct __finddata64_t fd64;
    struct _wfinddata_t wfd;
    intptr_t h = _findfirst("*.txt", &fd);
    say("handle", h != -1);
    do {
        show("name", fd.name);
        say("size", fd.size);
    } while (_findnext(h, &fd) == 0);
    say("errno", errno);
    say("close", _findclose(h));
    h = _findfirst64("sub", &fd64);
    show("dir", fd64.name);
    say("attrib", fd64.attrib & _A_SUBDIR);
    say("size", fd64.size);
    _findclose(h);
    h = _wfindfirst(L"b*", &wfd);
    say("wide", wfd.name[0] == L'b' && wfd.size == 3);
    _findclose(h);
    say("missing", _findfirst("nothing*", &fd));
    say("errno", errno);
    return 0;
}
""", tmp_path, width, files={"a.txt": b"1", "bb.txt": b"333"})
    out = ran.stdout.split("\r\n")
    assert sorted(zip(out[1:5:2], out[2:5:2], strict=True)) == [("name=[a.txt]", "size=1"), ("name=[bb.txt]", "size=3")]
    assert "\r\n".join([out[0], *out[5:]]) == lines("handle=1", "errno=2", "close=0", "dir=[sub]", "attrib=16",
                                                    "size=0", "wide=1", "missing=-1", "errno=2")


@pytest.mark.parametrize("width", WIDTHS)
def test_wide_streams_and_unicode_modes(tmp_path, width):
    ran = run(r"""
static void codes(const wchar_t *s)
{
    for (; *s; s++) { num(*s); fputc(' ', stdout); }
    fputc('\n', stdout);
}
int main(void)
{
    wchar_t buf[16];
    FILE *f = fopen("ansi.txt", "w");
    fputws(L"h\u00e9\n", f);
    say("putwc", fputwc(L'!', f));
    fclose(f);
    f = fopen("u16.txt", "w, ccs=UTF-16LE");
    fputws(L"h\u00e9\n", f);
    fclose(f);
    f = fopen("u8.txt", "w, ccs=UTF-8");
    fputws(L"h\u00e9\u20ac\n", f);
    fclose(f);
    f = fopen("u8.txt", "r, ccs=UTF-8");
    codes(fgetws(buf, 16, f));
    fclose(f);
    f = fopen("u16.txt", "r, ccs=UTF-16LE");
    say("getwc", fgetwc(f));
    say("ungetwc", ungetwc(L'Q', f));
    say("getwc", fgetwc(f));
    say("getwc", fgetwc(f));
    say("getwc", fgetwc(f));
    say("weof", fgetwc(f) == WEOF);
    fclose(f);
    f = fopen("ansi.txt", "r");
    codes(fgetws(buf, 16, f));
    fclose(f);

    return 0;
}
""", tmp_path, width)
    root = tmp_path / f"c_{width}"
    assert (root / "ansi.txt").read_bytes() == b"h\xe9\r\n!"
    assert (root / "u16.txt").read_bytes() == b"\xff\xfeh\x00\xe9\x00\r\x00\n\x00"
    assert (root / "u8.txt").read_bytes() == b"\xef\xbb\xbfh\xc3\xa9\xe2\x82\xac\r\n"
    assert ran.stdout == lines("putwc=33", "104 233 8364 10 ", "getwc=104", "ungetwc=81", "getwc=81",
                               "getwc=233", "getwc=10", "weof=1", "104 233 10 ")


@pytest.mark.parametrize("width", WIDTHS)
def test_temporary_files(tmp_path, width):
    ran = run(r"""
int main(void)
{
    char buf[8] = {0}, *name;
    FILE *f = tmpfile();
    fputs("temp\n", f);
    rewind(f);
    fread(buf, 1, sizeof buf - 1, f);
    show("read", buf);
    fclose(f);
    name = tmpnam(NULL);
    int slashes = 0;
    for (char *p = name; *p; p++)
        slashes += *p == '\\';
    say("root", name[0] == '\\' && slashes == 1);
    name = _tempnam("C:\\", "pre");                  /* in %TMP%, which exists: the folder asked is the fallback */
    const char *tmp = getenv("TMP");
    size_t n = strlen(tmp);
    say("tempnam", strncmp(name, tmp, n) == 0 && strncmp(name + n, "\\pre", 4) == 0);
    return 0;
}
""", tmp_path, width)
    assert ran.stdout == lines("read=[temp", "]", "root=1", "tempnam=1")
    assert [name for name in own_entries(tmp_path / f"c_{width}") if not name.endswith(".exe")] == []


FLAVOR_PROGRAM = r"""
#include <windows.h>
typedef FILE *(__cdecl *iob_func_t)(unsigned);
typedef int (__cdecl *fputs_t)(const char *, FILE *);
typedef FILE *(__cdecl *fopen_t)(const char *, const char *);
typedef int (__cdecl *file_t)(FILE *);
typedef int (__cdecl *write_t)(int, const void *, unsigned);
typedef int *(__cdecl *errno_func_t)(void);
typedef void (__cdecl *handler_t)(const wchar_t *, const wchar_t *, const wchar_t *, unsigned, uintptr_t);
typedef handler_t (__cdecl *set_handler_t)(handler_t);
static int calls;
static void __cdecl handler(const wchar_t *e, const wchar_t *f, const wchar_t *file, unsigned line, uintptr_t r)
{
    (void)e, (void)f, (void)file, (void)line, (void)r;
    calls++;
}
#define GET(type, name) type name##_ = (type)(void (*)(void))GetProcAddress(dll, #name)
static void flavor(const char *name)
{
    HMODULE dll = LoadLibraryA(name);
    GET(iob_func_t, __acrt_iob_func);
    FILE *iob = (FILE *)(void *)GetProcAddress(dll, "_iob");     /* msvcrt's data export */
    GET(fputs_t, fputs);
    GET(fopen_t, fopen);
    GET(file_t, fclose);
    GET(file_t, fgetc);
    GET(file_t, feof);
    GET(file_t, fflush);
    GET(write_t, _write);
    GET(errno_func_t, _errno);
    GET(set_handler_t, _set_invalid_parameter_handler);
    FILE *out = __acrt_iob_func_ ? __acrt_iob_func_(1) : iob + 1, *f;
    int c;

    show("dll", name);
    say("iob", (__acrt_iob_func_ != NULL) * 10 + (iob != NULL));
    _set_invalid_parameter_handler_(handler);
    fputs_("through the dll's stdout\n", out);
    f = fopen_("f.txt", "w");
    fputs_("x\ny", f);
    fclose_(f);
    f = fopen_("f.txt", "r");
    while ((c = fgetc_(f)) != EOF)
        ;
    say("feof", feof_(f));
    fclose_(f);
    *_errno_() = 0;
    say("wx", fopen_("f.txt", "wx") == NULL);
    say("errno", *_errno_());
    say("calls", calls);
    say("write", _write_(99, "x", 1));
    say("errno", *_errno_());
    say("calls", calls);
    f = fopen_("f.txt", "r");
    say("first", fgetc_(f));
    fflush_(f);
    say("after_fflush", fgetc_(f));
    fclose_(f);
    calls = 0;
}
int main(void)
{
    flavor("msvcrt.dll");
    flavor("ucrtbase.dll");
    return 0;
}
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_msvcrt_and_ucrtbase_flavors(tmp_path, width):
    ran = run(FLAVOR_PROGRAM, tmp_path, width)
    assert ran.stdout == (
        lines("dll=[msvcrt.dll]", "iob=1", "through the dll's stdout", "feof=16", "wx=1", "errno=22", "calls=1",
              "write=-1", "errno=9", "calls=1", "first=120", "after_fflush=-1")
        + lines("dll=[ucrtbase.dll]", "iob=10", "through the dll's stdout", "feof=1", "wx=1", "errno=17",
                "calls=0", "write=-1", "errno=9", "calls=1", "first=120", "after_fflush=10"))
    assert (tmp_path / f"c_{width}" / "f.txt").read_bytes() == b"x\r\ny"


@pytest.mark.parametrize("width", WIDTHS)
def test_stream_management(tmp_path, width):
    ran = run(r"""
int main(void)
{
    FILE *files[40], *f;
    char name[8] = "f00.txt", line[32];
    int fd, ok = 1;
    struct _stat64 st;
    say("max", _getmaxstdio());
    for (int i = 0; i < 40; i++) {
        name[1] = (char)('0' + i / 10);
        name[2] = (char)('0' + i % 10);
        files[i] = fopen(name, "w");
        ok &= files[i] != NULL && _fileno(files[i]) == i + 3;
        fputs(name, files[i]);
    }
    say("forty", ok);
    say("setmax", _setmaxstdio(2048));
    say("max", _getmaxstdio());
    say("fcloseall", _fcloseall());
    f = fopen("f39.txt", "r");
    show("last", fgets(line, sizeof line, f));
    fclose(f);
    fd = _open("fd.txt", _O_CREAT | _O_WRONLY | _O_TRUNC, _S_IREAD | _S_IWRITE);
    f = _fdopen(fd, "w");
    setvbuf(f, NULL, _IONBF, 0);
    fputs("unbuffered", f);
    _stat64("fd.txt", &st);
    say("written_at_once", st.st_size);
    fclose(f);
    f = fopen("w.bin", "w+b");
    say("putw", _putw(0x41424344, f));
    rewind(f);
    say("getw", _getw(f) == 0x41424344);
    say("getw_eof", _getw(f));
    fclose(f);
    if (!freopen("stdout.txt", "w", stdout))
        return 1;
    puts("into the file");
    fclose(stdout);
    return 0;
}
""", tmp_path, width)
    root = tmp_path / f"c_{width}"
    assert ran.stdout == lines("max=512", "forty=1", "setmax=2048", "max=2048", "fcloseall=40", "last=[f39.txt]",
                               "written_at_once=10", "putw=1094861636", "getw=1", "getw_eof=-1")
    assert (root / "stdout.txt").read_bytes() == b"into the file\r\n"
    assert (root / "f07.txt").read_bytes() == b"f07.txt"


@pytest.mark.parametrize("width", WIDTHS)
def test_unicode_modes_on_the_console_and_in_files(tmp_path, width):
    ran = run(r"""
#include <windows.h>
typedef void (__cdecl *handler_t)(const wchar_t *, const wchar_t *, const wchar_t *, unsigned, uintptr_t);
static int calls;
static void __cdecl handler(const wchar_t *e, const wchar_t *f, const wchar_t *file, unsigned line, uintptr_t r)
{
    (void)e, (void)f, (void)file, (void)line, (void)r;
    calls++;
}
int main(void)
{
    int fd = _open("u16.txt", _O_CREAT | _O_WRONLY | _O_TRUNC | _O_U16TEXT, _S_IREAD | _S_IWRITE);
    wchar_t wbuf[8] = {0};
    fflush(stdout);
    say("write", _write(fd, L"a\nb", 6));
    _close(fd);
    fd = _open("u16.txt", _O_RDONLY | _O_U16TEXT);
    say("read", _read(fd, wbuf, sizeof wbuf));
    say("units", wbuf[0] * 10000 + wbuf[1] * 100 + (wbuf[2] == L'b'));
    _close(fd);
    ((handler_t (__cdecl *)(handler_t))(void (*)(void))GetProcAddress(GetModuleHandleA("msvcrt.dll"),
        "_set_invalid_parameter_handler"))(handler);
    int previous = _setmode(_fileno(stdout), _O_U16TEXT), back, narrow;
    fputws(L"wide \u00e9\n", stdout);
    narrow = fputs("narrow\n", stdout);           /* a Unicode mode takes only the wide functions */
    back = _setmode(_fileno(stdout), _O_TEXT);
    say("previous", previous);
    say("back", back);
    say("narrow", narrow);
    say("errno", errno);
    say("calls", calls);
    wchar_t line[16];
    _setmode(_fileno(stdin), _O_U16TEXT);           /* a console reads UTF-16 through ReadConsoleW */
    say("stdin", fgetws(line, 16, stdin) == line && line[0] == L'w' && line[4] == L'\n' && line[5] == 0);
    say("wc", fgetwc(stdin));
    return 0;
}
""", tmp_path, width, stdin=b"wide\r\nnext\r\n")
    assert (tmp_path / f"c_{width}" / "u16.txt").read_bytes() == b"\xff\xfea\x00\r\x00\n\x00b\x00"
    # The console shows the UTF-16 text in its code page (437: e-acute is 0x82).
    assert ran.stdout == lines("write=6", "read=6", "units=971001", "wide \x82", "previous=16384", "back=131072",
                               "narrow=-1", "errno=22", "calls=1", "stdin=1", "wc=110")


# fopen's modes: accepted, or the invalid-parameter path with EINVAL.
GOOD_MODES = ("r", "rb", "r+b", "rb+", "rt", "rc", "rn", "rS", "rR", "rT", "rN", " r", "a+t", "r, ccs=UTF-8")
BAD_MODES = ("rbt", "r++", "rSR", "z", "rz", "", "rb, ccs=UTF-8", "r, ccs=UTF-7")


@pytest.mark.parametrize("width", WIDTHS)
def test_fopen_modes(tmp_path, width):
    modes = GOOD_MODES + BAD_MODES
    ran = run(r"""
#include <windows.h>
typedef void (__cdecl *handler_t)(const wchar_t *, const wchar_t *, const wchar_t *, unsigned, uintptr_t);
static int calls;
static void __cdecl handler(const wchar_t *e, const wchar_t *f, const wchar_t *file, unsigned line, uintptr_t r)
{
    (void)e, (void)f, (void)file, (void)line, (void)r;
    calls++;
}
int main(void)
{
    static const char *modes[] = {MODES};
    /* mingw-w64 keeps its own _set_invalid_parameter_handler: the DLL's is reached through GetProcAddress. */
    ((handler_t (__cdecl *)(handler_t))(void (*)(void))GetProcAddress(GetModuleHandleA("msvcrt.dll"),
        "_set_invalid_parameter_handler"))(handler);
    for (unsigned i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        FILE *f;
        errno = 0;
        calls = 0;
        f = fopen("m.txt", modes[i]);
        num(f != NULL);
        fputc(' ', stdout);
        num(errno);
        fputc(' ', stdout);
        num(calls);
        fputc('\n', stdout);
        if (f)
            fclose(f);
    }
    return 0;
}
""".replace("MODES", ", ".join(f'"{mode}"' for mode in modes)), tmp_path, width, files={"m.txt": b"m"})
    assert ran.stdout == lines(*["1 0 0"] * len(GOOD_MODES), *["0 22 1"] * len(BAD_MODES))


@pytest.mark.parametrize("width", WIDTHS)
def test_stdin_gets_ungetc_and_wide(tmp_path, width):
    ran = run(r"""
int main(void)
{
    char line[32];
    int c = getchar();
    say("first", c);
    say("unget", ungetc(c, stdin));
    show("gets", gets(line));
    say("getwchar", getwchar());
    say("getwc", getwc(stdin));
    show("rest", gets(line));
    say("null", gets(line) == NULL);
    return 0;
}
""", tmp_path, width, stdin=b"abc\r\nxy z\r\n")
    assert ran.stdout == lines("first=97", "unget=97", "gets=[abc]", "getwchar=120", "getwc=121", "rest=[ z]",
                               "null=1")


@pytest.mark.parametrize("width", WIDTHS)
def test_buffering_of_std_streams_on_files(tmp_path, width):
    # Off the console stdout is fully buffered and stderr unbuffered; a file stream gets its buffer at its first
    # write and _IOLBF buffers as fully as _IOFBF.
    ran = run(r"""
static long long size_of(const char *name)
{
    struct _stat64 st;
    return _stat64(name, &st) == 0 ? st.st_size : -1;
}
int main(void)
{
    FILE *f;
    freopen("out.txt", "w", stdout);
    freopen("err.txt", "w", stderr);
    fputs("o\n", stdout);
    fputs("e\n", stderr);
    fputs("sizes: ", stderr);
    num(size_of("out.txt"));
    num(size_of("err.txt"));
    f = fopen("line.txt", "w");
    setvbuf(f, NULL, _IOLBF, 64);
    fputs("x\n", f);
    num(size_of("line.txt"));
    fflush(f);
    num(size_of("line.txt"));
    fclose(f);
    fclose(stdout);
    fputs("\n", stderr);
    return 0;
}
""".replace("num(size_of", "fputc(' ', stderr), num_to(stderr, size_of"), tmp_path, width)
    root = tmp_path / f"c_{width}"
    assert ran.status == 0
    assert (root / "out.txt").read_bytes() == b"o\r\n"
    assert (root / "err.txt").read_bytes() == b"e\r\nsizes:  0 13 0 3\r\n"


def run_ucrt(source: str, tmp_path: Path, width: str, *, files: dict | None = None, stdin: bytes = b""):
    """Builds PRELUDE + source against ucrtbase.dll (mingw-w64's UCRT headers and its libucrtbase.a, with its own
    start-up code) and runs it."""
    root = tmp_path / f"c_{width}"
    root.mkdir(exist_ok=True)
    for name, data in (files or {}).items():
        (root / name).write_bytes(data)
    libs = ("mingw32", "gcc", "mingwex", "ucrtbase", "kernel32")
    program = build(PRELUDE + source, tmp_path / f"ucrt_{width}.exe", width, flags=("-O2", "-D_UCRT", "-nodefaultlibs"),
                    libs=libs + libs)
    return run_program(program, root, stdin=stdin)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_program_linked_with_ucrtbase(tmp_path, width):
    ran = run_ucrt(r"""
#include <windows.h>
static int calls;
static void __cdecl handler(const wchar_t *e, const wchar_t *f, const wchar_t *file, unsigned line, uintptr_t r)
{
    (void)e, (void)f, (void)file, (void)line, (void)r;
    calls++;
}
int main(void)
{
    FILE *f = fopen("x.txt", "wx");
    struct stat st;
    struct _finddata_t found;
    intptr_t h;
    fputs("x\n", f);
    fclose(f);
    say("wx_again", fopen("x.txt", "wx") == NULL);
    say("errno", errno);
    say("stat", stat("x.txt", &st));
    say("size", st.st_size);
    h = _findfirst("*.txt", &found);
    show("found", found.name);
    _findclose(h);
    f = fopen("x.txt", "r");
    say("first", fgetc(f));
    fflush(f);
    say("kept", fgetc(f));
    say("last", fgetc(f));
    say("feof", feof(f));
    fclose(f);
    _set_invalid_parameter_handler(handler);
    say("write", _write(99, "x", 1));
    say("errno", errno);
    say("calls", calls);
    /* The UCRT's temporary names are in GetTempPath's folder (msvcrt's in the root of the drive). */
    char temp[MAX_PATH], *name = tmpnam(NULL);
    DWORD n = GetTempPathA(MAX_PATH, temp);
    say("in_temp", strncmp(name, temp, n) == 0 && name[n] == 's');
    return 0;
}
""", tmp_path, width)
    assert ran.stdout == lines("wx_again=1", "errno=17", "stat=0", "size=3", "found=[x.txt]", "first=120",
                               "kept=10", "last=-1", "feof=1", "write=-1", "errno=9", "calls=1", "in_temp=1")


@pytest.mark.parametrize("width", WIDTHS)
def test_fmode_sets_the_default_translation_but_not_the_standard_streams(tmp_path, width):
    ran = run(r"""
int main(void)
{
    FILE *f;
    _fmode = _O_BINARY;
    f = fopen("binary.txt", "w");
    fputs("a\n", f);
    fclose(f);
    f = fopen("text.txt", "wt");
    fputs("a\n", f);
    fclose(f);
    close(_open("fd.txt", _O_CREAT | _O_WRONLY, _S_IREAD | _S_IWRITE));
    f = fopen("fd.txt", "w");
    fputs("b\n", f);
    fclose(f);
    puts("std");
    return 0;
}
""", tmp_path, width)
    root = tmp_path / f"c_{width}"
    assert ran.stdout == "std\r\n"
    assert [(root / name).read_bytes() for name in ("binary.txt", "text.txt", "fd.txt")] == [b"a\n", b"a\r\n",
                                                                                            b"b\n"]


@pytest.mark.parametrize("width", WIDTHS)
def test_crlf_split_between_two_reads(tmp_path, width):
    # The 4096-byte buffer ends on the CR: _read looks at the next byte (an LF joins it, anything else stays).
    ran = run(r"""
int main(void)
{
    static char buf[10000];
    FILE *f = fopen("split.txt", "r");
    size_t n = fread(buf, 1, sizeof buf, f);
    say("n", n);
    say("at4095", buf[4095]);
    say("at4096", buf[4096]);
    fclose(f);
    f = fopen("lone.txt", "r");
    n = fread(buf, 1, sizeof buf, f);
    say("n", n);
    say("at4095", buf[4095]);
    say("at4096", buf[4096]);
    say("at4097", buf[4097]);
    fclose(f);
    return 0;
}
""", tmp_path, width, files={"split.txt": b"a" * 4095 + b"\r\nb", "lone.txt": b"a" * 4095 + b"\rxy"})
    assert ran.stdout == lines("n=4097", "at4095=10", "at4096=98", "n=4098", "at4095=13", "at4096=120",
                               "at4097=121")



@pytest.mark.parametrize("width", WIDTHS)
def test_wide_paths(tmp_path, width):
    ran = run(r"""
int main(void)
{
    wchar_t cwd[64];
    struct _stat64 st;
    FILE *f = _wfopen(L"w\u00e9.txt", L"w");
    int fd;
    fputs("wide", f);
    fclose(f);
    say("wstat", _wstat64(L"w\u00e9.txt", &st));
    say("size", st.st_size);
    say("wmkdir", _wmkdir(L"d\u00e9"));
    say("wchdir", _wchdir(L"d\u00e9"));
    say("wgetcwd", _wgetcwd(cwd, 64) == cwd && cwd[3] == L'd' && cwd[4] == 0xE9 && cwd[5] == 0);
    _wchdir(L"..");
    say("wrename", _wrename(L"w\u00e9.txt", L"d\u00e9\\x.txt"));
    fd = _wopen(L"d\u00e9\\x.txt", _O_RDONLY);
    say("wopen", fd >= 3);
    _close(fd);
    say("waccess", _waccess(L"d\u00e9\\x.txt", 0));
    say("wremove", _wremove(L"d\u00e9\\x.txt"));
    say("wrmdir", _wrmdir(L"d\u00e9"));
    say("wfsopen", _wfsopen(L"missing", L"r", _SH_DENYNO) == NULL && errno == ENOENT);
    return 0;
}
""", tmp_path, width)
    assert ran.stdout == lines("wstat=0", "size=4", "wmkdir=0", "wchdir=0", "wgetcwd=1", "wrename=0", "wopen=1",
                               "waccess=0", "wremove=0", "wrmdir=0", "wfsopen=1")
    assert [name for name in own_entries(tmp_path / f"c_{width}") if not name.endswith(".exe")] == []


@pytest.mark.parametrize("width", WIDTHS)
def test_umask_chmod_mktemp_rmtmp_and_drives(tmp_path, width):
    ran = run(r"""
#include <direct.h>
int main(void)
{
    char name[16] = "tmpXXXXXX", bad[8] = "tmpXX";
    struct _stat64 st;
    say("umask", _umask(_S_IWRITE));
    close(_open("masked.txt", _O_CREAT | _O_WRONLY, _S_IREAD | _S_IWRITE));
    say("previous", _umask(0));
    _stat64("masked.txt", &st);
    say("read_only", (st.st_mode & _S_IWRITE) == 0);
    say("chmod", _chmod("masked.txt", _S_IREAD | _S_IWRITE));
    _stat64("masked.txt", &st);
    say("writable", (st.st_mode & _S_IWRITE) != 0);
    say("chmod_missing", _chmod("missing", _S_IWRITE));
    say("errno", errno);
    say("mktemp", _mktemp(name) == name && name[3] == 'a' && name[4] >= '0' && name[4] <= '9');
    close(_creat(name, _S_IREAD | _S_IWRITE));
    _mktemp(strcpy(bad, "tmpXXXXXX"));
    say("next_letter", bad[3]);
    strcpy(bad, "tmpXX");
    say("malformed", _mktemp(bad) == NULL && errno == EINVAL);
    strcpy(bad, "tXXXXXX");
    say("mktemp_s", _mktemp_s(bad, sizeof bad) == 0 && bad[1] == 'a');
    tmpfile();
    tmpfile();
    say("rmtmp", _rmtmp());
    say("drive", _getdrive());
    _mkdir("sub");
    _chdir("sub");
    show("dcwd", _getdcwd(3, name, sizeof name));
    say("dcwd_z", _getdcwd(26, name, sizeof name) == NULL && errno == EACCES);
    say("chdrive", _chdrive(3));
    say("chdrive_z", _chdrive(26));
    free(_getdcwd(0, NULL, 0));
    return 0;
}
""", tmp_path, width)
    assert ran.stdout == lines("umask=0", "previous=128", "read_only=1", "chmod=0", "writable=1",
                               "chmod_missing=-1", "errno=2", "mktemp=1", "next_letter=98", "malformed=1", "mktemp_s=1",
                               "rmtmp=2",
                               "drive=3", "dcwd=[C:\\sub]", "dcwd_z=1", "chdrive=0", "chdrive_z=-1")


@pytest.mark.parametrize("width", WIDTHS)
def test_gets_s_and_fread_s_in_ucrtbase(tmp_path, width):
    ran = run_ucrt(r"""
static int calls;
static void __cdecl handler(const wchar_t *e, const wchar_t *f, const wchar_t *file, unsigned line, uintptr_t r)
{
    (void)e, (void)f, (void)file, (void)line, (void)r;
    calls++;
}
int main(void)
{
    char buf[8];
    _set_invalid_parameter_handler(handler);
    show("short", gets_s(buf, sizeof buf));
    say("too_long", gets_s(buf, sizeof buf) == NULL && buf[0] == 0);
    say("errno", errno);
    say("calls", calls);
    show("next", gets_s(buf, sizeof buf));
    say("end", gets_s(buf, sizeof buf) == NULL);
    say("calls", calls);
    FILE *f = fopen("data.bin", "rb");
    short units[2];
    say("fread_s", fread_s(units, sizeof units, sizeof units[0], 2, f));
    say("too_many", fread_s(units, sizeof units, sizeof units[0], 3, f));
    say("calls", calls);
    say("rest", fread_s(buf, sizeof buf, 1, sizeof buf, f));
    fclose(f);
    return 0;
}
""", tmp_path, width, stdin=b"short\r\nthis line is too long\r\nnext\r\n", files={"data.bin": b"abcdefghij"})
    assert ran.stdout == lines("short=[short]", "too_long=1", "errno=34", "calls=1", "next=[next]", "end=1",
                               "calls=1", "fread_s=2", "too_many=2", "calls=2", "rest=2")
