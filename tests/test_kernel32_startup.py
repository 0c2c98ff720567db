"""kernel32's start-up functions (issue 10): the lstr functions (a bad pointer caught as Windows catches it),
MulDiv, FormatMessage (the system's messages, inserts, escapes, sizes), changing and expanding the environment, the
temporary folder and file names, IsProcessorFeaturePresent, SetHandleCount, SetCurrentDirectory, GetModuleHandleEx,
DosDateTimeToFileTime, FileTimeToLocalFileTime, GetProcessAffinityMask, SearchPath and FindFirstFileEx, in both
widths (fixtures/src/k32startup.c prints one result a line); and a program built by the standard toolchain, against
mingw-w64's own import libraries, that calls PathCombineW and FormatMessageW."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

from wow64emu.kernel.console import StdStreams
from wow64emu.machine import Machine

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
SYSDIR = {"x86": "SysWOW64", "x64": "System32"}  # where SearchPath finds kernel32.dll

EXPECTED = r"""lstrlenA [hello] -> 5
lstrlenW [hello] -> 5
lstrlenA (null) -> 0
lstrlenW (null) -> 0
lstrlenA bad -> 0
lstrlenW bad -> 0
lstrcpyA result -> 1
lstrcpyA bad source -> 0
lstrcpyW bad destination -> 0
lstrcatW result -> 1
lstrcmpW [abcd] [abcd] -> 0
lstrcatA bad -> 0
lstrcpynA [hello] 4 result -> 1
lstrcpynA [hello] 4 -> hel
lstrcpynA [hello] 0 -> xxxxxxxx
lstrcpynW [hi] 8 length -> 2
lstrcpynW bad -> 0
lstrcmpA [a] [B] -> -1
lstrcmpA [a] [A] -> -1
lstrcmpA [b] [A] -> 1
lstrcmpiA [abc] [ABC] -> 0
lstrcmpiW [abc] [ABD] -> -1
lstrcmpW [abc] [ab] -> 1
lstrcmpA (null) [a] -> -1
lstrcmpA [a] (null) -> 1
lstrcmpA (null) (null) -> 0
MulDiv(5, 1, 2) -> 3
MulDiv(-5, 1, 2) -> -3
MulDiv(5, -1, 2) -> -3
MulDiv(5, 1, -2) -> -3
MulDiv(-5, -1, -2) -> -3
MulDiv(1, 1, 3) -> 0
MulDiv(2, 1, 3) -> 1
MulDiv(-2, 1, 3) -> -1
MulDiv(300000, 300000, 10) -> -1
MulDiv(2147483647, 2, 2) -> 2147483647
MulDiv(2147483647, 2, 1) -> -1
MulDiv(-2147483647, 1, 1) -> -2147483647
MulDiv(-2147483648, 1, 1) -> -1
MulDiv(7, 3, 0) -> -1
MulDiv(0, 5, -3) -> 0
SetHandleCount 20 -> 20
SetHandleCount 1000 -> 1000
IsProcessorFeaturePresent PF_XMMI64_INSTRUCTIONS_AVAILABLE -> 1
IsProcessorFeaturePresent PF_NX_ENABLED -> 1
IsProcessorFeaturePresent PF_FASTFAIL_AVAILABLE -> 1
IsProcessorFeaturePresent PF_3DNOW_INSTRUCTIONS_AVAILABLE -> 0
IsProcessorFeaturePresent 64 -> 0
IsProcessorFeaturePresent 0xFFFFFFFF -> 0
system 0 -> 39 [The operation completed successfully.\r\n] error=0
system 2 -> 44 [The system cannot find the file specified.\r\n] error=0
system 3 -> 44 [The system cannot find the path specified.\r\n] error=0
system 5 -> 19 [Access is denied.\r\n] error=0
system 6 -> 24 [The handle is invalid.\r\n] error=0
system 8 -> 68 [Not enough memory resources are available to process this command.\r\n] error=0
system 18 -> 26 [There are no more files.\r\n] error=0
system 32 -> 81 [The process cannot access the file because it is being used by another process.\r\n] error=0
system 38 -> 30 [Reached the end of the file.\r\n] error=0
system 80 -> 18 [The file exists.\r\n] error=0
system 87 -> 29 [The parameter is incorrect.\r\n] error=0
system 109 -> 26 [The pipe has been ended.\r\n] error=0
system 122 -> 53 [The data area passed to a system call is too small.\r\n] error=0
system 123 -> 68 [The filename, directory name, or volume label syntax is incorrect.\r\n] error=0
system 126 -> 42 [The specified module could not be found.\r\n] error=0
system 127 -> 45 [The specified procedure could not be found.\r\n] error=0
system 183 -> 53 [Cannot create a file when that file already exists.\r\n] error=0
system 193 -> 38 [%1 is not a valid Win32 application.\r\n] error=0
system 203 -> 68 [The system could not find the environment option that was entered.\r\n] error=0
system 206 -> 40 [The filename or extension is too long.\r\n] error=0
system 234 -> 25 [More data is available.\r\n] error=0
system 267 -> 32 [The directory name is invalid.\r\n] error=0
system 299 -> 79 [Only part of a ReadProcessMemory or WriteProcessMemory request was completed.\r\n] error=0
system 317 -> 89 [The system cannot find message text for message number 0x%1 in the message file for %2.\r\n] error=0
system 487 -> 36 [Attempt to access invalid address.\r\n] error=0
system 998 -> 36 [Invalid access to memory location.\r\n] error=0
system 1004 -> 16 [Invalid flags.\r\n] error=0
system 1114 -> 61 [A dynamic link library (DLL) initialization routine failed.\r\n] error=0
system 1150 -> 60 [The specified program requires a newer version of Windows.\r\n] error=0
system 1455 -> 62 [The paging file is too small for this operation to complete.\r\n] error=0
system 2147942405 -> 19 [Access is denied.\r\n] error=0
system 2 one line -> 43 [The system cannot find the file specified. ] error=0
system 12345 -> 0 [] error=317
FormatMessageW system 2 German -> 0 [] error=1815
FormatMessageW system 2 en-US -> 44 [The system cannot find the file specified.\r\n] error=0
FormatMessageW system 2 size 44 -> 0 [] error=122
FormatMessageW system 2 allocated -> 44 [The system cannot find the file specified.\r\n] error=0
  allocated block holds at least -> 45
  LocalFree -> 1
FormatMessageW allocated with size 100: chars -> 44
  allocated block holds at least -> 100
FormatMessageW allocated unknown id -> 0 error=317
  pointer set to NULL -> 1
FormatMessageW system 2 size 45 -> 44 [The system cannot find the file specified.\r\n] error=0
FormatMessageW module -> 0 [] error=1813
FormatMessageA system 5 -> 19 Access is denied.
FormatMessageW inserts -> 15 [x is -42 (01ab)] error=0
FormatMessageW formats -> 55 [[  abc] [abc  ] [ab] [+7] [00007] [0xff] [FF] [377] [Z]] error=0
FormatMessageW string widths -> 24 [narrow and also and wide] error=0
FormatMessageW unsigned -> 12 [4000000000 1] error=0
FormatMessageW order -> 11 [two one two] error=0
FormatMessageW null string -> 6 [(null)] error=0
FormatMessageW escapes -> 13 [ %% .!  \r\n\r\t|] error=0
FormatMessageW %0 -> 4 [test] error=0
FormatMessageW line breaks -> 10 [a\r\nb\r\nc\r\nd] error=0
FormatMessageW one line -> 10 [a b c d\r\ne] error=0
FormatMessageW ignore inserts -> 29 [test%1%2!*.*s!%99 %%% %.%! \r\n] error=0
FormatMessageW empty -> 0 [] error=235
FormatMessageW size 5 -> 0 untouched=1 error=122
FormatMessageW size 6 -> 5 [hello] error=0
FormatMessageW no arguments -> 0 [] error=87
FormatMessageW argument array -> 15 [first|42|narrow] error=0
FormatMessageA argument array -> 11 narrow (42)
SetEnvironmentVariableW FOO=bar -> 1
  FOO=bar
  foo=bar
SetEnvironmentVariableA Foo=baz -> 1
  FOO=baz
SetEnvironmentVariableA AAA_FIRST=1 -> 1
GetEnvironmentStringsA first -> =C:=C:\
FreeEnvironmentStringsA -> 1
SetEnvironmentVariableW LONG -> 1
  LONG=0123456789012345678901234567890123456789
SetEnvironmentVariableW FOO deleted -> 1
  FOO error=203
SetEnvironmentVariableW NEVER deleted -> 1
SetEnvironmentVariableW A=B -> 0 error=87
SetEnvironmentVariableW empty name -> 0 error=87
SetEnvironmentVariableW =X: -> 1
  =X:=X:\dir
SetEnvironmentVariableW EMPTY= -> 1
  EMPTY error=0
ExpandEnvironmentStringsW -> 62 [0123456789012345678901234567890123456789-%UNDEFINED%-1-100%-%]
ExpandEnvironmentStringsW size 10 -> 41
ExpandEnvironmentStringsA (null) -> 8
ExpandEnvironmentStringsA -> 4 <1>
GetTempPathW none -> [C:\Windows\]
GetTempPathW USERPROFILE -> [C:\Users\me\]
GetTempPathW TEMP -> [C:\temp\]
GetTempPathW TMP -> [C:\tmp\]
GetTempPathW size 7 -> 8
GetTempPathW size 8 -> 7
GetTempPathA -> C:\tmp\
GetTempFileNameW 0x1A2B -> 1a2b [C:\abc1A2B.tmp] exists=0
GetTempFileNameA 0x2345 -> 2345 C:\dir\p2345.tmp
GetTempFileNameW 0 nonzero -> 1
GetTempFileNameW 0 created -> 1
GetTempFileNameW 0 again differs -> 1
GetTempFileNameW 0 name -> [C:\tmp\w]...[.tmp]
GetTempFileNameW missing folder -> 0 error=3
GetTempFileNameW long folder -> 0 error=111
SetCurrentDirectoryW C:\work -> 1 error=0
  current [C:\work]
GetFileAttributesW file.txt (relative) -> 1
SetCurrentDirectoryA sub\ -> 1 error=0
  current [C:\work\sub]
SetCurrentDirectoryW ..\.. -> 1 error=0
  current [C:\]
SetCurrentDirectoryW C:\missing -> 0 error=2
SetCurrentDirectoryW C:\missing\deeper -> 0 error=3
SetCurrentDirectoryW a file -> 0 error=267
  current [C:\]
GetModuleHandleExW kernel32 -> 1
  same as GetModuleHandleW -> 1
GetModuleHandleExW (null) -> 1
  the program -> 1
GetModuleHandleExW from an address -> 1
  kernel32 -> 1
GetModuleHandleExA from the program's code -> 1
  the program -> 1
GetModuleHandleExW from address 0x10 -> 0 error=126
  NULL -> 1
GetModuleHandleExW missing.dll -> 0 error=126
GetModuleHandleExW PIN|UNCHANGED -> 0 error=87
GetModuleHandleExW flag 8 -> 0 error=87
GetModuleHandleExW (null) result -> 0 error=87
DosDateTimeToFileTime 0x585d 0x6daf -> 1 0x1da6b158f173900 2024-2-29 13:45:30 error=0
DosDateTimeToFileTime 0x21 0x0 -> 1 0x1a8e79fe1d58000 1980-1-1 0:0:0 error=0
DosDateTimeToFileTime 0xff9f 0xbf7d -> 1 0x23868b866d29300 2107-12-31 23:59:58 error=0
DosDateTimeToFileTime 0x565d 0x0 -> 0 0x0 error=87
DosDateTimeToFileTime 0x1a1 0x0 -> 0 0x0 error=87
DosDateTimeToFileTime 0x20 0x0 -> 0 0x0 error=87
DosDateTimeToFileTime 0x21 0xc000 -> 0 0x0 error=87
DosDateTimeToFileTime 0x21 0x780 -> 0 0x0 error=87
DosDateTimeToFileTime 0x21 0x1e -> 0 0x0 error=87
FileTimeToLocalFileTime -> 1
  the same (UTC) -> 1
GetProcessAffinityMask -> 1
  process 0x3 system 0x3
GetProcessAffinityMask bad handle -> 0 error=6
SearchPathW kernel32.dll -> 32 [C:\Windows\{sysdir}\kernel32.dll] part [kernel32.dll] error=0
SearchPathW data.txt (the current folder) -> 16 [C:\work\data.txt] part [data.txt] error=0
SearchPathW tool .exe (PATH) -> 15 [C:\bin\tool.exe] part [tool.exe] error=0
SearchPathW tool.exe .com (PATH) -> 15 [C:\bin\tool.exe] part [tool.exe] error=0
SearchPathW tool (no extension) -> 0 error=2
SearchPathW tool.exe in C:\bin -> 15 [C:\bin\tool.exe] part [tool.exe] error=0
SearchPathW data.txt in C:\bin -> 0 error=2
SearchPathW ..\bin\tool.exe (a folder in the name) -> 15 [C:\bin\tool.exe] part [tool.exe] error=0
SearchPathW C:\bin\tool -> 15 [C:\bin\tool.exe] part [tool.exe] error=0
SearchPathW tool.exe size 5 -> 16 error=0
SearchPathW missing.txt -> 0 error=2
SearchPathW empty name -> 0 error=87
SearchPathA tool .exe -> 15 C:\bin\tool.exe part tool.exe
FindFirstFileExW C:\work\* standard -> [.] [..] [data.txt] [file.txt] [sub]
FindFirstFileExW C:\work\* basic large fetch -> [.] [..] [data.txt] [file.txt] [sub]
FindFirstFileExW C:\work\* directories -> [.] [..] [data.txt] [file.txt] [sub]
FindFirstFileExW C:\work\*.txt -> [data.txt] [file.txt]
FindFirstFileExW C:\work\none* -> failed error=2
FindFirstFileExW level 2 -> failed error=87
FindFirstFileExW devices -> failed error=87
FindFirstFileExW flag 8 -> failed error=87
FindFirstFileExA C:\work\d* -> data.txt
"""


def _run(program: Path, root: Path) -> tuple[int, str, bytes]:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    outcome = Machine(program, [], root=root, streams=streams).run(timeout=60)
    return outcome.exit_status, streams.stdout.getvalue().decode(), streams.stderr.getvalue()


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_start_up_functions(width: str, tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    status, out, err = _run(BIN / width / "k32startup.exe", root)
    assert err == b""
    assert status == 0
    assert out.splitlines() == EXPECTED.format(sysdir=SYSDIR[width]).splitlines()
    created = [p.name for p in (root / "tmp").iterdir()]           # the two files of GetTempFileNameW(0)
    assert len(created) == 2 and all(n.startswith("w") and n.endswith(".tmp") for n in created)
    assert not (root / "abc1A2B.tmp").exists()                      # a non-zero unique number makes no file


TOOLCHAIN_PROGRAM = r"""
#include <windows.h>
#include <shlwapi.h>

static void out(const WCHAR *s)
{
    char text[512];
    DWORD n = 0, written;
    for (; s[n] && n < sizeof text; n++)
        text[n] = (char)s[n];
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), text, n, &written, NULL);
}

void start(void)
{
    WCHAR path[MAX_PATH], message[256];
    DWORD n;

    out(PathCombineW(path, L"C:\\Python\\Scripts", L"..\\python.exe"));
    out(L"\n");
    n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, ERROR_FILE_NOT_FOUND, 0,
                       message, 256, NULL);
    out(message);
    ExitProcess(n);
}
"""

COMPILERS = {"x86": ("i686-w64-mingw32-gcc", "_start"), "x64": ("x86_64-w64-mingw32-gcc", "start")}


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_a_program_of_the_standard_toolchain(width: str, tmp_path: Path) -> None:
    compiler, entry = COMPILERS[width]
    if shutil.which(compiler) is None:
        pytest.skip(f"{compiler} is not installed")
    source = tmp_path / "prog.c"
    source.write_text(TOOLCHAIN_PROGRAM)
    program = tmp_path / "prog.exe"
    subprocess.run([compiler, "-O2", "-nostdlib", "-e", entry, str(source), "-o", str(program), "-lkernel32",
                    "-lshlwapi"], check=True, capture_output=True)
    root = tmp_path / "c"
    root.mkdir()
    status, out, err = _run(program, root)
    assert err == b""
    assert out == "C:\\Python\\python.exe\nThe system cannot find the file specified.\r\n"
    assert status == 44                                             # FormatMessageW's length
