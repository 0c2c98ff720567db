"""Programs as users build them with the standard toolchain (tests/toolchain.py), run in both widths: what the loader
says of the imports they lack, and what they can do with what is there."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import pytest

from tests.toolchain import build
from wow64emu.kernel.console import StdStreams
from wow64emu.machine import Machine

WIDTHS = ["x86", "x64"]

# out(text) and dec(number) to stdout, for the test programs built without a C runtime.
PRINT = r"""
#include <windows.h>
#include <winternl.h>
static void out(const char *s)
{
    DWORD n, l = 0;
    while (s[l])
        l++;
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), s, l, &n, 0);
}
static void dec(DWORD v)
{
    char b[12];
    int i = 11;
    b[i] = 0;
    do { b[--i] = '0' + v % 10; v /= 10; } while (v);
    out(b + i);
}
"""

SELF_READ = PRINT + r"""void start(void)
{
    char path[MAX_PATH], head[3] = {0};
    DWORD n = 0;
    HANDLE h;
    GetModuleFileNameA(NULL, path, MAX_PATH);
    out(path);
    out("\n");
    h = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, 0, OPEN_EXISTING, 0, 0);
    if (h == INVALID_HANDLE_VALUE) { out("open failed "); dec(GetLastError()); out("\n"); ExitProcess(1); }
    ReadFile(h, head, 2, &n, 0);
    out(head);
    out(" ");
    dec(GetFileSize(h, 0));
    out("\n");
    ExitProcess(0);
}
"""


def run(program: Path, root: Path, *args: str) -> tuple[int, str]:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    status = Machine(program, list(args), root=root, streams=streams).run(timeout=60).exit_status
    return status, streams.stdout.getvalue().decode()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_program_opens_its_own_file_by_the_name_get_module_file_name_gives(width: str, tmp_path: Path) -> None:
    # The program lives outside the C: drive; it reads itself (launchers and installers do) at C:\NAME.
    (tmp_path / "host").mkdir()
    program = build(SELF_READ, tmp_path / "host" / "selfread.exe", width)
    root = tmp_path / "c"
    root.mkdir()
    status, out = run(program, root)
    assert (status, out) == (0, f"C:\\selfread.exe\nMZ {program.stat().st_size}\n")
    # A file of that name the drive already holds is the drive's, left as it is.
    (root / "selfread.exe").write_bytes(b"MZ-not-this-one")
    assert run(program, root) == (0, "C:\\selfread.exe\nMZ 15\n")


def _site_file(package: str, relative: str) -> Path:
    """A file inside an installed package of the test environment, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        pytest.skip(f"{package} is not installed here")
    path = Path(spec.submodule_search_locations[0]) / relative
    if not path.is_file():
        pytest.skip(f"{package} has no {relative} here")
    return path


# Programs made by others, run with no script appended: each starts (every import bound), reads itself, and ends
# with its own message and status, as on Windows. distlib's launchers (MSVC, static C runtime) find no archive
# appended (exit 1; the GUI ones without a word); setuptools' launchers (MSVC over the UCRT: vcruntime140.dll and the
# api-ms-win-crt sets) find no script beside the path GetFinalPathNameByHandle gives them (exit 2).
NO_ARCHIVE = b"Fatal error in launcher: Unable to find an appended archive.\r\n"
LAUNCHERS = {
    "distlib-t32": ("pip", "_vendor/distlib/t32.exe", 1, NO_ARCHIVE),
    "distlib-t64": ("pip", "_vendor/distlib/t64.exe", 1, NO_ARCHIVE),
    "distlib-w32": ("pip", "_vendor/distlib/w32.exe", 1, b""),
    "distlib-w64": ("pip", "_vendor/distlib/w64.exe", 1, b""),
    "setuptools-cli-32": ("setuptools", "cli-32.exe", 2, b"Cannot open \\\\?\\C:\\cli-32-script.py\r\n"),
    "setuptools-cli-64": ("setuptools", "cli-64.exe", 2, b"Cannot open \\\\?\\C:\\cli-64-script.py\r\n"),
    "setuptools-gui-32": ("setuptools", "gui-32.exe", 2, b"Cannot open \\\\?\\C:\\gui-32-script.pyw\r\n"),
    "setuptools-gui-64": ("setuptools", "gui-64.exe", 2, b"Cannot open \\\\?\\C:\\gui-64-script.pyw\r\n"),
}


@pytest.mark.parametrize("case", LAUNCHERS.values(), ids=LAUNCHERS.keys())
def test_the_launchers_of_pip_and_setuptools_reach_their_own_error(case: tuple[str, str, int, bytes],
                                                                    tmp_path: Path) -> None:
    package, relative, status, stderr = case
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    done = Machine(_site_file(package, relative), [], root=tmp_path, streams=streams).run(timeout=60)
    assert (done.exit_status, streams.stdout.getvalue(), streams.stderr.getvalue()) == (status, b"", stderr)


HELLO = r"""
#include <stdio.h>
int main(void) { printf("hello, world\n"); return 0; }
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_a_c_hello_world_runs(width: str, tmp_path: Path) -> None:
    # `gcc hello.c -o hello.exe`: mingw-w64's start-up code over kernel32 and msvcrt.dll, printf to a pipe (text
    # mode: the line ends in CR LF).
    program = build(HELLO, tmp_path / "hello.exe", width, flags=("-O2",), libs=())
    (tmp_path / "c").mkdir()
    assert run(program, tmp_path / "c") == (0, "hello, world\r\n")


CENSUS_ODDS = PRINT + r"""void start(void)
{
    char full[MAX_PATH], *part = 0;
    UNICODE_STRING us;
    DWORD n;
    out(LoadLibraryExA("kernel32.dll", NULL, 0) == GetModuleHandleA("kernel32") ? "LoadLibraryExA ok\n" : "bad\n");
    n = GetFullPathNameA("dir\\..\\file.txt", MAX_PATH, full, &part);
    out(full); out(" "); dec(n); out(" "); out(part); out("\n");
    out("too small: "); dec(GetFullPathNameA("file.txt", 3, full, &part)); out("\n");
    RtlInitUnicodeString(&us, L"abc");
    dec(us.Length); out(" "); dec(us.MaximumLength); out("\n");
    RtlInitUnicodeString(&us, NULL);
    dec(us.Length); out(" "); dec(us.MaximumLength); out(us.Buffer ? " buffer\n" : " NULL\n");
    ExitProcess(0);
}
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_census_functions_a_mingw_program_imports(width: str, tmp_path: Path) -> None:
    program = build(CENSUS_ODDS, tmp_path / "odds.exe", width, libs=("kernel32", "ntdll"))
    assert run(program, tmp_path) == (0, "LoadLibraryExA ok\nC:\\file.txt 11 file.txt\ntoo small: 12\n6 8\n0 0 NULL\n")


MORE_ODDS = PRINT + r"""void start(void)
{
    BOOL present = 7;
    DWORD code = 0;
    dec(GetDriveTypeA("C:\\")); out(" "); dec(GetDriveTypeW(NULL)); out(" "); dec(GetDriveTypeA("Q:\\")); out(" ");
    dec(GetDriveTypeA("C:")); out("\n");
    dec(CheckRemoteDebuggerPresent(GetCurrentProcess(), &present)); out(" "); dec(present); out(" ");
    dec(CheckRemoteDebuggerPresent(GetCurrentProcess(), NULL)); out(" "); dec(GetLastError()); out("\n");
    dec(GetExitCodeThread(GetCurrentThread(), &code)); out(" "); dec(code); out(" ");
    dec(GetExitCodeThread((HANDLE)0x1234, &code)); out(" "); dec(GetLastError()); out("\n");
    ExitProcess(0);
}
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_drive_types_debugger_and_thread_exit_code(width: str, tmp_path: Path) -> None:
    # DRIVE_FIXED (3) for C:\ and the current drive, DRIVE_NO_ROOT_DIR (1) for no such drive or no backslash; no
    # debugger; a running thread's exit code is STILL_ACTIVE (259); a bad handle is ERROR_INVALID_HANDLE.
    program = build(MORE_ODDS, tmp_path / "more.exe", width)
    assert run(program, tmp_path) == (0, "3 3 1 1\n1 0 0 87\n1 259 0 6\n")


FILE_TIMES = PRINT + r"""void start(void)
{
    HANDLE h = CreateFileA("C:\\times.txt", GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    FILETIME write = { 0x12345600, 0x01D00000 }, creation, access, got;
    BY_HANDLE_FILE_INFORMATION info;
    dec(SetFileTime(h, NULL, NULL, &write)); out(" ");
    dec(GetFileTime(h, &creation, &access, &got)); out(" ");
    dec(got.dwLowDateTime == write.dwLowDateTime && got.dwHighDateTime == write.dwHighDateTime); out(" ");
    GetFileInformationByHandle(h, &info);
    dec(info.ftLastWriteTime.dwLowDateTime == write.dwLowDateTime); out(" ");
    dec(SetFileTime((HANDLE)0x1234, NULL, NULL, &write)); out(" "); dec(GetLastError()); out("\n");
    ExitProcess(0);
}
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_set_file_time_and_get_file_time(width: str, tmp_path: Path) -> None:
    program = build(FILE_TIMES, tmp_path / "times.exe", width)
    root = tmp_path / "c"
    root.mkdir()
    assert run(program, root) == (0, "1 1 1 1 0 6\n")
    # 0x01D0000012345600 in 100 ns units from 1601 is the host's modification time, in ns from 1970.
    assert (root / "times.txt").stat().st_mtime_ns == (0x01D0000012345600 - 116444736000000000) * 100


TIME_ZONE = PRINT + r"""void start(void)
{
    TIME_ZONE_INFORMATION tz;
    char name[40];
    DWORD id = GetTimeZoneInformation(&tz), i;
    for (i = 0; tz.StandardName[i] && i < 39; i++)
        name[i] = (char)tz.StandardName[i];
    name[i] = 0;
    dec(id); out(" "); dec((DWORD)tz.Bias); out(" "); out(name); out(" "); dec(tz.StandardDate.wMonth); out(" ");
    dec(tz.DaylightName[0] == tz.StandardName[0]); out("\n");
    ExitProcess(0);
}
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_the_time_zone_is_utc(width: str, tmp_path: Path) -> None:
    # TIME_ZONE_ID_UNKNOWN (0): no daylight time; Windows' names for UTC.
    program = build(TIME_ZONE, tmp_path / "tz.exe", width)
    assert run(program, tmp_path) == (0, "0 0 Coordinated Universal Time 0 1\n")


OPEN_DIRECTORY = PRINT + r"""void start(void)
{
    HANDLE h = CreateFileA("C:\\sub", 0, FILE_SHARE_READ | FILE_SHARE_WRITE, 0, OPEN_EXISTING,
                           FILE_FLAG_BACKUP_SEMANTICS, 0);
    BY_HANDLE_FILE_INFORMATION info;
    dec(h != INVALID_HANDLE_VALUE); out(" ");
    dec(GetFileInformationByHandle(h, &info)); out(" "); dec(info.dwFileAttributes); out(" ");
    h = CreateFileA("C:\\sub", 0, FILE_SHARE_READ | FILE_SHARE_WRITE, 0, OPEN_EXISTING, 0, 0);
    dec(h == INVALID_HANDLE_VALUE); out(" "); dec(GetLastError()); out("\n");
    ExitProcess(0);
}
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_create_file_opens_a_directory_with_backup_semantics_only(width: str, tmp_path: Path) -> None:
    # FILE_FLAG_BACKUP_SEMANTICS: a handle to the directory (FILE_ATTRIBUTE_DIRECTORY, 16); without it,
    # ERROR_ACCESS_DENIED (5), as Windows answers.
    (tmp_path / "sub").mkdir()
    program = build(OPEN_DIRECTORY, tmp_path / "opendir.exe", width)
    assert run(program, tmp_path) == (0, "1 1 16 1 5\n")


LAST_OF_THE_CENSUS = PRINT + r"""static void outw(const WCHAR *s)
{
    char b[MAX_PATH];
    int i = 0;
    for (; s[i] && i < MAX_PATH - 1; i++)
        b[i] = (char)s[i];
    b[i] = 0;
    out(b);
}
static void sp(DWORD v) { dec(v); out(" "); }
void start(void)
{
    WCHAR name[MAX_PATH];
    char ansi[MAX_PATH];
    HANDLE search, file;
    FILETIME c, e, k, u;
    DWORD adjustment, increment;
    BOOL disabled;
    DWORD_PTR process, system;
    SYSTEMTIME st = {2021, 7, 4, 1, 12, 0, 0, 0}, local;
    search = FindFirstVolumeW(name, MAX_PATH);
    outw(name); out(" "); sp(FindNextVolumeW(search, name, MAX_PATH)); sp(GetLastError());
    dec(FindVolumeClose(search)); out("\n");
    file = CreateFileA("C:\\Census.txt", GENERIC_WRITE, 0, 0, CREATE_ALWAYS, 0, 0);
    sp(GetFinalPathNameByHandleW(file, name, MAX_PATH, FILE_NAME_NORMALIZED | VOLUME_NAME_DOS)); outw(name);
    out(" "); sp(GetFinalPathNameByHandleA(file, ansi, MAX_PATH, VOLUME_NAME_NT)); out(ansi); out("\n");
    sp(GetProcessTimes(GetCurrentProcess(), &c, &e, &k, &u)); sp(e.dwLowDateTime | e.dwHighDateTime);
    sp(GetThreadTimes(GetCurrentThread(), &c, &e, &k, &u)); dec(c.dwHighDateTime > 0x01D00000); out("\n");
    sp(GetSystemTimeAdjustment(&adjustment, &increment, &disabled)); sp(adjustment); sp(increment); dec(disabled);
    out("\n");
    sp(SetPriorityClass(GetCurrentProcess(), HIGH_PRIORITY_CLASS)); sp(GetPriorityClass(GetCurrentProcess()));
    sp(SetProcessAffinityMask(GetCurrentProcess(), 1)); GetProcessAffinityMask(GetCurrentProcess(), &process, &system);
    sp((DWORD)process); dec((DWORD)system); out("\n");
    sp(SetSystemTime(&st)); sp(GetLastError());
    sp(SystemTimeToTzSpecificLocalTime(NULL, &st, &local)); sp(local.wHour);
    sp(DebugActiveProcess(GetCurrentProcessId())); dec(GetLastError()); out("\n");
    FatalAppExitA(0, "The census is complete.");
    out("not reached\n");
    ExitProcess(1);
}
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_the_last_functions_of_the_census(width: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # One volume then ERROR_NO_MORE_FILES (18); the final path in the DOS and NT forms; a process and a thread that
    # have not ended; no time adjustment (one 15.625 ms tick); HIGH_PRIORITY_CLASS (0x80) and one processor of the
    # two; no SeSystemtimePrivilege (1314); UTC is the local time; no debugging (ERROR_INVALID_FUNCTION);
    # FatalAppExitA ends the process with 0 after its text.
    program = build(LAST_OF_THE_CENSUS, tmp_path / "census.exe", width)
    assert run(program, tmp_path) == (0, "\\\\?\\Volume{6b1c3f5e-2d8a-4e71-9c40-77f64e6d7533}\\ 0 18 1\n"
                                         "17 \\\\?\\C:\\Census.txt 34 \\Device\\HarddiskVolume3\\Census.txt\n"
                                         "1 0 1 1\n"
                                         "1 156250 156250 1\n"
                                         "1 128 1 1 3\n"
                                         "0 1314 1 12 0 1\n")
    assert "FatalAppExitA: The census is complete." in caplog.text
