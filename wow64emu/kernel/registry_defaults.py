"""The registry of a fresh Windows 10 22H2 (x64, Pro) machine, where programs look: the default contents.

MACHINE holds the stable keys a fresh database is seeded with; BOOT the volatile ones Windows makes at every boot
(`HKLM\\SYSTEM\\CurrentControlSet`, a link to `ControlSet001`; `HKCU\\Software\\Classes`, a link to the user's
classes hive), re-made each time a store opens. The user is the emulated token's (token.py); the time zone is UTC
(as sysinfo.py reports it); the folders and the environment are those process creation gives
(loader/structures.py). `HKLM\\SOFTWARE\\WOW6432Node` holds the 32-bit view's copies that differ.
HKEY_CLASSES_ROOT is no key of the kernel: advapi32 merges `HKLM\\SOFTWARE\\Classes` and the user's classes.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from ..nt.registry import REG_BINARY, REG_DWORD, REG_EXPAND_SZ, REG_LINK, REG_MULTI_SZ, REG_QWORD, REG_SZ
from .token import COMPUTER_NAME, USER_SID

if TYPE_CHECKING:
    from .registry_store import RegistryStore

Values = dict[str, tuple[int, bytes]]


def sid_string(sid: bytes) -> str:
    """A binary SID in its S-R-A-S... form."""
    count = sid[1]
    authority = int.from_bytes(sid[2:8], "big")
    subs = struct.unpack_from(f"<{count}I", sid, 8)
    return "-".join(["S", str(sid[0]), str(authority), *map(str, subs)])


USER = "\\REGISTRY\\USER\\" + sid_string(USER_SID)
MACHINE_KEY = "\\REGISTRY\\MACHINE"
SOFTWARE = MACHINE_KEY + "\\SOFTWARE"
CONTROL_SET = MACHINE_KEY + "\\SYSTEM\\ControlSet001"
LINK_VALUE = "SymbolicLinkValue"  # the value of a link key that names its target


def sz(text: str, value_type: int = REG_SZ) -> tuple[int, bytes]:
    return value_type, (text + "\0").encode("utf-16-le")


def expand(text: str) -> tuple[int, bytes]:
    return sz(text, REG_EXPAND_SZ)


def multi(*texts: str) -> tuple[int, bytes]:
    return REG_MULTI_SZ, "".join(t + "\0" for t in texts).encode("utf-16-le") + b"\0\0"


def dword(value: int) -> tuple[int, bytes]:
    return REG_DWORD, struct.pack("<I", value)


def qword(value: int) -> tuple[int, bytes]:
    return REG_QWORD, struct.pack("<Q", value)


def link(target: str) -> tuple[int, bytes]:
    """A link key's target: the full name, without a terminator (what Windows stores)."""
    return REG_LINK, target.encode("utf-16-le")


INSTALL_DATE = 1_672_531_200  # 2023-01-01 00:00:00 UTC, seconds since 1970

_NT_CURRENT_VERSION: Values = {
    "SystemRoot": sz("C:\\Windows"),
    "BuildBranch": sz("vb_release"),
    "BuildGUID": sz("ffffffff-ffff-ffff-ffff-ffffffffffff"),
    "BuildLab": sz("19041.vb_release.191206-1406"),
    "BuildLabEx": sz("19041.1.amd64fre.vb_release.191206-1406"),
    "CompositionEditionID": sz("Enterprise"),
    "CurrentBuild": sz("19045"),
    "CurrentBuildNumber": sz("19045"),
    "CurrentMajorVersionNumber": dword(10),
    "CurrentMinorVersionNumber": dword(0),
    "CurrentType": sz("Multiprocessor Free"),
    "CurrentVersion": sz("6.3"),
    "DisplayVersion": sz("22H2"),
    "EditionID": sz("Professional"),
    "InstallationType": sz("Client"),
    "InstallDate": dword(INSTALL_DATE),
    "InstallTime": qword(116_444_736_000_000_000 + INSTALL_DATE * 10_000_000),
    "PathName": sz("C:\\Windows"),
    "ProductId": sz("00330-80000-00000-AA123"),
    "ProductName": sz("Windows 10 Pro"),
    "RegisteredOrganization": sz(""),
    "RegisteredOwner": sz("User"),
    "ReleaseId": sz("2009"),
    "SoftwareType": sz("System"),
    "UBR": dword(3803),
}

_PROGRAM_FILES = "C:\\Program Files"
_PROGRAM_FILES_X86 = "C:\\Program Files (x86)"


def _windows_current_version(program_files: str) -> Values:
    return {
        "ProgramFilesDir": sz(program_files),
        "CommonFilesDir": sz(program_files + "\\Common Files"),
        "ProgramFilesDir (x86)": sz(_PROGRAM_FILES_X86),
        "CommonFilesDir (x86)": sz(_PROGRAM_FILES_X86 + "\\Common Files"),
        "CommonW6432Dir": sz(_PROGRAM_FILES + "\\Common Files"),
        "ProgramW6432Dir": sz(_PROGRAM_FILES),
        "DevicePath": expand("%SystemRoot%\\inf"),
        "MediaPathUnexpanded": expand("%SystemRoot%\\Media"),
        "ProgramFilesPath": expand("%ProgramFiles%"),
        "SM_GamesName": sz("Games"),
        "SM_ConfigureProgramsName": sz("Set Program Access and Defaults"),
    }


_UTC_NAME = "Coordinated Universal Time"
_TIME_ZONE: Values = {
    "Bias": dword(0),
    "DaylightBias": dword(0),
    "DaylightName": sz("@tzres.dll,-931"),
    "DaylightStart": (REG_BINARY, bytes(16)),
    "DynamicDaylightTimeDisabled": dword(0),
    "StandardBias": dword(0),
    "StandardName": sz("@tzres.dll,-932"),
    "StandardStart": (REG_BINARY, bytes(16)),
    "TimeZoneKeyName": sz("UTC"),
    "ActiveTimeBias": dword(0),
}

_SYSTEM_ENVIRONMENT: Values = {
    "ComSpec": expand("%SystemRoot%\\system32\\cmd.exe"),
    "DriverData": sz("C:\\Windows\\System32\\Drivers\\DriverData"),
    "NUMBER_OF_PROCESSORS": sz("2"),
    "OS": sz("Windows_NT"),
    "Path": expand("%SystemRoot%\\system32;%SystemRoot%;%SystemRoot%\\System32\\Wbem;"
                   "%SYSTEMROOT%\\System32\\WindowsPowerShell\\v1.0\\;%SYSTEMROOT%\\System32\\OpenSSH\\"),
    "PATHEXT": sz(".COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC"),
    "PROCESSOR_ARCHITECTURE": sz("AMD64"),
    "PROCESSOR_IDENTIFIER": sz("Intel64 Family 6 Model 158 Stepping 10, GenuineIntel"),
    "PROCESSOR_LEVEL": sz("6"),
    "PROCESSOR_REVISION": sz("9e0a"),
    "PSModulePath": expand("%ProgramFiles%\\WindowsPowerShell\\Modules;"
                           "%SystemRoot%\\system32\\WindowsPowerShell\\v1.0\\Modules"),
    "TEMP": expand("%SystemRoot%\\TEMP"),
    "TMP": expand("%SystemRoot%\\TEMP"),
    "USERNAME": sz("SYSTEM"),
    "windir": expand("%SystemRoot%"),
}

_USER_ENVIRONMENT: Values = {
    "Path": expand("%USERPROFILE%\\AppData\\Local\\Microsoft\\WindowsApps;"),
    "TEMP": expand("%USERPROFILE%\\AppData\\Local\\Temp"),
    "TMP": expand("%USERPROFILE%\\AppData\\Local\\Temp"),
}


def _file_type(extension: str, prog_id: str, content_type: str | None, perceived: str | None) -> list:
    values: Values = {"": sz(prog_id)}
    if content_type:
        values["Content Type"] = sz(content_type)
    if perceived:
        values["PerceivedType"] = sz(perceived)
    return [(f"{SOFTWARE}\\Classes\\{extension}", values)]


# Full path -> values; every key on the way is made too.
MACHINE: list[tuple[str, Values]] = [
    (f"{SOFTWARE}\\Microsoft\\Windows NT\\CurrentVersion", _NT_CURRENT_VERSION),
    (f"{SOFTWARE}\\Microsoft\\Windows\\CurrentVersion", _windows_current_version(_PROGRAM_FILES)),
    (f"{SOFTWARE}\\WOW6432Node\\Microsoft\\Windows NT\\CurrentVersion", _NT_CURRENT_VERSION),
    (f"{SOFTWARE}\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion",
     _windows_current_version(_PROGRAM_FILES_X86)),
    (f"{SOFTWARE}\\Classes\\CLSID", {}),
    (f"{SOFTWARE}\\Classes\\Interface", {}),
    # the 32-bit views of the redirected class keys (kernel/regredirect.py): the redirector opens below them
    (f"{SOFTWARE}\\Classes\\WOW6432Node\\CLSID", {}),
    (f"{SOFTWARE}\\Classes\\WOW6432Node\\Interface", {}),
    (f"{USER}_Classes\\CLSID", {}),
    (f"{USER}_Classes\\WOW6432Node\\CLSID", {}),
    *_file_type(".txt", "txtfile", "text/plain", "text"),
    *_file_type(".exe", "exefile", "application/x-msdownload", "application"),
    *_file_type(".bat", "batfile", None, "system"),
    *_file_type(".dll", "dllfile", "application/x-msdownload", "system"),
    *_file_type(".htm", "htmlfile", "text/html", "text"),
    (f"{SOFTWARE}\\Classes\\txtfile\\shell\\open\\command",
     {"": expand("%SystemRoot%\\system32\\NOTEPAD.EXE %1")}),
    (f"{SOFTWARE}\\Classes\\exefile\\shell\\open\\command", {"": sz('"%1" %*')}),
    (f"{CONTROL_SET}\\Control\\Session Manager\\Environment", _SYSTEM_ENVIRONMENT),
    (f"{CONTROL_SET}\\Control\\ComputerName\\ComputerName", {"ComputerName": sz(COMPUTER_NAME)}),
    (f"{CONTROL_SET}\\Control\\TimeZoneInformation", _TIME_ZONE),
    (f"{CONTROL_SET}\\Control\\Nls\\CodePage", {"ACP": sz("1252"), "OEMCP": sz("437"), "MACCP": sz("10000")}),
    (f"{CONTROL_SET}\\Services", {}),
    (f"{MACHINE_KEY}\\SYSTEM\\Select", {"Current": dword(1), "Default": dword(1), "Failed": dword(0),
                                        "LastKnownGood": dword(1)}),
    (f"{MACHINE_KEY}\\HARDWARE\\DESCRIPTION\\System\\CentralProcessor\\0",
     {"ProcessorNameString": sz("Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz"), "~MHz": dword(3192),
      "Identifier": sz("Intel64 Family 6 Model 158 Stepping 10"), "VendorIdentifier": sz("GenuineIntel")}),
    ("\\REGISTRY\\USER\\.DEFAULT\\Environment", {}),
    (f"{USER}\\Environment", _USER_ENVIRONMENT),
    (f"{USER}\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer", {}),
    (f"{USER}\\Control Panel\\International", {"LocaleName": sz("en-US"), "sShortDate": sz("M/d/yyyy"),
                                                "sDecimal": sz("."), "sThousand": sz(",")}),
    (f"{USER}_Classes", {}),
    (f"{USER}\\Volatile Environment", {}),
]

# Stable links of a fresh machine: (path, target). The 32-bit view's classes under HKLM\SOFTWARE\WOW6432Node are
# those under HKLM\SOFTWARE\Classes\Wow6432Node, where the redirector puts the 32-bit class keys.
MACHINE_LINKS: list[tuple[str, str]] = [
    (f"{SOFTWARE}\\WOW6432Node\\Classes", f"{SOFTWARE}\\Classes\\Wow6432Node"),
]

# Keys Windows makes at boot, volatile: (path, link target or None).
BOOT: list[tuple[str, str | None]] = [
    (f"{MACHINE_KEY}\\SYSTEM\\CurrentControlSet", CONTROL_SET),
    (f"{USER}\\Software\\Classes", f"{USER}_Classes"),
]


def seed_machine(store: RegistryStore) -> None:
    """Fill a new store with the stable default contents."""
    for path, values in MACHINE:
        key = store.create_path(path)
        for name, (value_type, data) in values.items():
            store.set_value(key.id, name, value_type, data)
    for path, target in MACHINE_LINKS:
        parent_path, _, name = path.rpartition("\\")
        key = store.create(store.create_path(parent_path).id, name, link=True)
        store.set_value(key.id, LINK_VALUE, *link(target))


def seed_boot(store: RegistryStore) -> None:
    """Make the volatile keys of a boot (the store has just dropped the last run's)."""
    for path, target in BOOT:
        parent_path, _, name = path.rpartition("\\")
        parent = store.create_path(parent_path)
        if store.child(parent.id, name) is not None:
            continue  # a stable key of that name: a user's own, kept
        key = store.create(parent.id, name, volatile=True, link=target is not None)
        if target is not None:
            store.set_value(key.id, LINK_VALUE, *link(target))
    environment = store.find(f"{USER}\\Volatile Environment")
    if environment is not None:
        for name, value in {"USERNAME": sz("User"), "USERDOMAIN": sz(COMPUTER_NAME),
                            "USERPROFILE": sz("C:\\Users\\User"), "HOMEDRIVE": sz("C:"),
                            "HOMEPATH": sz("\\Users\\User"), "LOGONSERVER": sz("\\\\" + COMPUTER_NAME)}.items():
            store.set_value(environment.id, name, *value)
