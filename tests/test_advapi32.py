"""advapi32.dll (guest/advapi32/) in both widths: the registry functions over the kernel's registry
(fixtures/src/advapi_reg.c) and the security functions (fixtures/src/advapi_sec.c), each program printing one
result a line; and a program built by the plain toolchain command that reads the Windows version and the user's
name, as real programs do.

The expected lines follow Windows 10 22H2: the REG_SZ rules of RegSetValueEx and RegQueryValueEx (the terminator a
caller forgot counted, a NUL added after unterminated data when there is room, ERROR_MORE_DATA with the size
needed), the ANSI sizes of the A functions, RegGetValue's type checks (ERROR_UNSUPPORTED_TYPE 1630,
ERROR_DATATYPE_MISMATCH 1629), expansion and RRF_ZEROONFAILURE, RegEnumValue's order of checks, the predefined keys
sign-extended in 64-bit code, HKEY_CLASSES_ROOT's merge of the user's classes over the machine's (which a standard
user may not write), tokens and SIDs as the kernel's token gives them (S-1-5-21-...-1001, medium integrity,
TOKEN_USER 36 bytes in 32-bit code and 44 in 64-bit code, a standard user's groups), AdjustTokenPrivileges'
ERROR_NOT_ALL_ASSIGNED.
Wine (64-bit), the second opinion, prints the same registry lines but for: the order of values (Wine's by name,
Windows' the order of writing), RegGetValue of an unterminated string (Windows terminates it) and with no RRF_RT_*
flag (Wine 1630, here 87), RegNotifyChangeKeyValue asynchronous without an event (Wine 6, here 87), HKEY_DYN_DATA
(Wine 2, here 6) and reflection (Wine's stubs give 120).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.toolchain import NO_CRT, build, run_program

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "fixtures" / "bin"
WIDTHS = ["x86", "x64"]

PREDEFINED = {"x86": "HKEY_LOCAL_MACHINE=0x80000002", "x64": "HKEY_LOCAL_MACHINE=0xffffffff80000002"}

REGISTRY = r"""open HKLM CurrentVersion -> 0
query CurrentBuild -> 0 type=1 size=12 data="19045"
open (HKEY)0x80000002 SOFTWARE -> 0
close HKEY_LOCAL_MACHINE -> 0
close NULL -> 6
open HKEY_DYN_DATA -> 6
RegOpenCurrentUser -> 0
open Environment below it -> 0
query a bad handle -> 6
HKCR .txt -> 0 data="txtfile"
HKCR user's class -> 0 data="user's"
create the user's class in HKCR -> 0 disposition=2
create a new class in HKCR (the machine's) -> 5 disposition=0
not in the user's classes -> 2
delete the user's class through HKCR -> 0
HKCR deleted class -> 2
create test key -> 0 disposition=1
create it again -> 0 disposition=2
create a\b\c -> 0 disposition=1
open a\b -> 0
open missing -> 2
open with a NULL result -> 87
open NULL subkey -> 0 new handle
RegOpenKeyW empty -> 0 same handle
set hello (size without NUL) -> 0
query s -> 0 type=1 size=12
set abc unterminated -> 0
query u, room -> 0 size=6 bytes=61006200630000005555
query u, exact -> 0 size=6 bytes=6100620063005555
query u, short -> 234 size=6
query s, size only -> 0 size=12
query s, data without size -> 87
query s (A) -> 0 size=6 data="hello"
query s (A), size only -> 0 size=6
set A string -> 0
query sa (W) -> 0 size=10 bytes=630061006600e9000000
query missing -> 2
set dword -> 0
set qword -> 0
set binary -> 0
set expand -> 0
set multi -> 0
set from a bad pointer -> 998
RegGetValue s REG_SZ -> 0 type=1 size=12 bytes=680065006c006c006f000000
RegGetValue u (terminated) -> 0 type=1 size=8 bytes=6100620063000000
RegGetValue u, size only -> 0 type=1 size=8
RegGetValue d as REG_SZ -> 1630 type=4 size=4 bytes=78563412
RegGetValue d DWORD -> 0 type=4 size=4 bytes=78563412
RegGetValue b as DWORD -> 0 type=3 size=4 bytes=01020304
RegGetValue b as QWORD -> 1629 type=3 size=4 bytes=01020304
RegGetValue q QWORD -> 0 type=11 size=8 bytes=8877665544332211
RegGetValue e expanded -> 0 type=1 size=26 bytes=43003a005c00570069006e0064006f00770073005c0078000000
RegGetValue e NOEXPAND -> 0 type=2 size=30 bytes=2500530079007300740065006d0052006f006f00740025005c0078000000
RegGetValue e EXPAND_SZ alone -> 87 type=65535 size=64 bytes=55555555555555555555555555555555
RegGetValue m -> 0 type=7 size=18 bytes=6f006e0065000000740077006f0000000000
RegGetValue s short -> 234 type=1 size=12 bytes=55555555
RegGetValue d ZEROONFAILURE -> 1630 type=4 size=4 bytes=00000000
RegGetValue no type -> 87 type=65535 size=64 bytes=55555555555555555555555555555555
RegGetValue subkey missing -> 2
RegGetValueA d -> 0
value name="s" count=1 type=1 size=12
value name="u" count=1 type=1 size=6
value name="sa" count=2 type=1 size=10
value name="d" count=1 type=4 size=4
value name="q" count=1 type=11 size=8
value name="b" count=1 type=3 size=4
value name="e" count=1 type=2 size=30
value name="m" count=1 type=7 size=18
RegEnumValueW end -> 259
RegEnumValueW short name -> 234 count=1 size=12
RegEnumValueW short data -> 234 count=1 size=12
subkey name="a" count=1
RegEnumKeyExW end -> 259
RegEnumKeyExW short -> 234
RegEnumKeyExW with class -> 0 name="c" class="klass" class_count=5
RegQueryInfoKeyW -> 0 subkeys=1 max_subkey=1 values=8 max_value_name=2 max_value=30 class_count=0
RegCreateKeyExA -> 0 disposition=1
RegEnumKeyExA 1 -> 0 name="ansi" count=4
RegSetValueA -> 0
RegQueryValueA -> 0 data="default" size=8
RegQueryValueA without default -> 0 size=1 first=0
RegSetValueA not REG_SZ -> 87
RegOpenKeyA -> 0
RegDeleteValueA default -> 0
RegDeleteValueA again -> 2
RegDeleteKeyA -> 0
RegDeleteKeyA again -> 2
RegDeleteKeyW with children -> 5
RegCopyTreeW a -> copy -> 0
open copy\b\c -> 0
RegDeleteTreeW a -> 0
open a after -> 2
RegOpenKeyExW KEY_READ -> 0
set through KEY_READ -> 5
RegFlushKey -> 0
RegNotifyChangeKeyValue -> 0
signalled before -> 258
signalled after a change -> 0
RegNotifyChangeKeyValue async without event -> 87
RegDisableReflectionKey -> 0
RegQueryReflectionKey -> 0
disabled -> 1
RegEnableReflectionKey -> 0
disabled -> 0
RegDeleteValueW missing -> 2
RegDeleteTreeW test key -> 0
"""

SECURITY = r"""OpenProcessToken -> 1 error=0
GetTokenInformation TokenUser, no buffer -> 0 error=122
size needed -> 36 error=122
GetTokenInformation TokenUser ok=1 sid="S-1-5-21-1004336348-1177238915-682003330-1001"
TokenIntegrityLevel sid="S-1-16-8192" attributes=96
TokenGroups ok=1 count=11
  sid="S-1-1-0" attributes=0x7
  sid="S-1-5-32-545" attributes=0x7
  sid="S-1-5-4" attributes=0x7
  sid="S-1-2-1" attributes=0x7
  sid="S-1-5-11" attributes=0x7
  sid="S-1-5-15" attributes=0x7
  sid="S-1-5-113" attributes=0x7
  sid="S-1-5-5-0-238321" attributes=0xc0000007
  sid="S-1-2-0" attributes=0x7
  sid="S-1-5-64-10" attributes=0x7
  sid="S-1-16-8192" attributes=0x60
TokenElevationType -> 1 error=122
TokenElevation -> 0 error=122
GetTokenInformation bad handle -> 0 error=6
OpenThreadToken -> 0 error=1008
GetUserNameW short -> 0 error=122
size -> 5 error=122
GetUserNameW ok=1 name="User" size=5
GetUserNameA ok=1 name="User" size=5
LookupAccountSidW user ok=1 name="User" use=1
LookupAccountSidW admins ok=1 name="Administrators" domain="BUILTIN" use=4 size=14
LookupAccountSidW short -> 0 error=122
size -> 15 error=122
LookupPrivilegeValueW SeShutdownPrivilege -> 1 error=122
luid -> 19 error=122
LookupPrivilegeValueA sedebugprivilege -> 1 error=122
luid -> 20 error=122
LookupPrivilegeValueW bogus -> 0 error=1313
LookupPrivilegeNameW 23 name="SeChangeNotifyPrivilege" size=23
AdjustTokenPrivileges enable SeShutdownPrivilege -> 1 error=0
previous size -> 16 error=0
AdjustTokenPrivileges SeDebugPrivilege (not held) -> 1 error=1300
AdjustTokenPrivileges NULL state -> 0 error=87
AllocateAndInitializeSid -> 1 error=87
IsValidSid -> 1 error=87
GetLengthSid -> 12 error=87
ConvertStringSidToSidW S-1-5-18 -> 1 error=87
EqualSid -> 1 error=0
ConvertStringSidToSidW SY -> 1 error=0
EqualSid alias -> 1 error=0
ConvertStringSidToSidW BA -> 1 error=0
BA sid="S-1-5-32-544"
ConvertStringSidToSidW bad -> 0 error=1337
ConvertStringSidToSidW big authority -> 1 error=1337
ConvertSidToStringSidW -> 1 error=1337
 text="S-1-0x123456789ABC-7"
ConvertSidToStringSidA -> 1 error=1337
S-1-5-18
IsValidSid revision 2 -> 0 error=0
ConvertSidToStringSidW revision 2 -> 0 error=1337
SDDL O:BAG:SYD:P(A;;GA;;;SY)(A;OICI;FA;;;BA) -> 1 error=1337
descriptor size=100 control=36868 aces=2 acl_size=52 owner="S-1-5-32-544" group="S-1-5-18"
SDDL D:NO_ACCESS_CONTROL -> 1 error=1337
descriptor size=20 control=32772 dacl=0
SDDL malformed -> 0 error=1336
SDDL revision 2 -> 0 error=1305
OpenSCManagerW -> 0 error=1722
CryptAcquireContextW -> 0 error=0x80090017
"""
TOKEN_USER_SIZE = {"x86": 36, "x64": 44}
SECURITY_WARNINGS = ("wow64emu: WARNING: OpenSCManagerW: the service control manager is not emulated\n"
                     "wow64emu: WARNING: CryptAcquireContextW: no cryptographic service provider is installed\n")


def run(program: str, width: str, root: Path) -> tuple[int, str, str]:
    """The program run as a user runs it: its exit code, its output and the emulator's lines on stderr."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "wow64emu", "run", "--root", str(root),
                           str(BIN / width / f"{program}.exe")], capture_output=True, env=env, timeout=120)
    return done.returncode, done.stdout.decode(), done.stderr.decode()


@pytest.mark.parametrize("width", WIDTHS)
def test_registry_functions(width: str, tmp_path: Path) -> None:
    status, out, err = run("advapi_reg", width, tmp_path)
    assert (status, err) == (0, "")
    assert out.splitlines() == [PREDEFINED[width], *REGISTRY.splitlines()]


def test_registry_functions_leave_the_registry_as_they_found_it(tmp_path: Path) -> None:
    # The second run (the other width) on the same C: drive starts from the same registry: the first deleted its
    # key at its end, and the store kept nothing of it.
    assert run("advapi_reg", "x86", tmp_path)[1] == run("advapi_reg", "x64", tmp_path)[1].replace(
        PREDEFINED["x64"], PREDEFINED["x86"])


@pytest.mark.parametrize("width", WIDTHS)
def test_security_functions(width: str, tmp_path: Path) -> None:
    status, out, err = run("advapi_sec", width, tmp_path)
    assert (status, err) == (0, SECURITY_WARNINGS)
    expected = SECURITY.replace("size needed -> 36", f"size needed -> {TOKEN_USER_SIZE[width]}")
    assert out.splitlines() == expected.splitlines()


PLAIN_PROGRAM = r"""
#include <windows.h>

static void put(const char *s)
{
    DWORD n = 0, written;
    while (s[n])
        n++;
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), s, n, &written, NULL);
}

static void put_w(const WCHAR *s)
{
    char buf[128];
    int n = WideCharToMultiByte(CP_ACP, 0, s, -1, buf, sizeof buf, NULL, NULL);
    put(n ? buf : "?");
}

void start(void)
{
    HKEY key;
    WCHAR text[128], user[64];
    DWORD type, size = sizeof text, user_size = 64;
    LONG r = RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", 0, KEY_READ,
                           &key);
    if (r) {
        put("open failed\n");
        ExitProcess(1);
    }
    static const WCHAR *names[] = { L"ProductName", L"CurrentBuild", L"DisplayVersion" };
    for (int i = 0; i < 3; i++) {
        size = sizeof text;
        r = RegQueryValueExW(key, names[i], NULL, &type, (BYTE *)text, &size);
        put_w(names[i]);
        put(r == ERROR_SUCCESS && type == REG_SZ ? "=" : " failed");
        if (r == ERROR_SUCCESS)
            put_w(text);
        put("\n");
    }
    RegCloseKey(key);
    if (GetUserNameW(user, &user_size)) {
        put("user=");
        put_w(user);
        put("\n");
    }
    ExitProcess(0);
}
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_a_program_built_by_the_toolchain_reads_the_version_and_the_user(width: str, tmp_path: Path) -> None:
    program = build(PLAIN_PROGRAM, tmp_path / "version.exe", width, flags=NO_CRT, libs=("kernel32", "advapi32"))
    ran = run_program(program, tmp_path)
    assert (ran.status, ran.stderr) == (0, "")
    assert ran.stdout.splitlines() == ["ProductName=Windows 10 Pro", "CurrentBuild=19045", "DisplayVersion=22H2",
                                       "user=User"]
