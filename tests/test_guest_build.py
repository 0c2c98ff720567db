"""The committed guest build: generated sources in step with the table, the DLLs' and the fixtures' shape.

Recipe of everything checked here: guest/build.sh (mingw-w64); sources in guest/ and fixtures/src/. These
tests read the committed files only, so they need no toolchain. A failure of
test_generated_sources_match_the_table means the syscall table changed: run guest/build.sh (it runs
`python -m wow64emu.nt.stubgen` first) and commit the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pefile
import pytest

from tests.peread import exports, parsed
from wow64emu.nt import stubgen
from wow64emu.nt.syscalls import Syscall, syscalls, windows_numbers

ROOT = Path(__file__).resolve().parents[1]
SYSROOT = ROOT / "wow64emu" / "sysroot" / "Windows"
FIXTURES = ROOT / "fixtures"

I386 = 0x14C
AMD64 = 0x8664
SUBSYSTEM_CONSOLE = 3
RELOCS_STRIPPED = 0x0001  # IMAGE_FILE_RELOCS_STRIPPED

KERNEL32_ORDINALS = {
    "GetStdHandle": 1, "WriteFile": 2, "ReadFile": 3, "CreateFileA": 4, "CreateFileW": 5, "CloseHandle": 6,
    "ExitProcess": 7, "GetLastError": 8, "SetLastError": 9, "VirtualAlloc": 10, "VirtualFree": 11,
    "QueryPerformanceCounter": 12, "QueryPerformanceFrequency": 13, "GetCommandLineA": 14,
    "GetCommandLineW": 15, "GetCurrentProcess": 16, "GetCurrentProcessId": 17, "GetTickCount": 18,
    "Sleep": 19,
}
SYSCALL_NAMES = {c.name for c in syscalls()}
LOADER_NAMES = {"LdrLoadDll", "LdrGetDllHandle", "LdrGetProcedureAddress", "LdrUnloadDll",  # guest/ntdll/ldr.c
                "LdrShutdownProcess", "RtlExitUserProcess",  # guest/ntdll/ldrinit.c
                "LdrShutdownThread", "RtlExitUserThread", "LdrDisableThreadCalloutsForDll"}  # guest/ntdll/ldrthread.c
WINDOWS_UNDERSCORE_NAMES = {"__C_specific_handler"}  # exported by Windows' ntdll under this very name
HEAP_NAMES = {"RtlCreateHeap", "RtlDestroyHeap", "RtlAllocateHeap", "RtlFreeHeap", "RtlReAllocateHeap", "RtlSizeHeap",
              "RtlValidateHeap", "RtlLockHeap", "RtlUnlockHeap", "RtlGetProcessHeaps", "RtlCompactHeap",
              "RtlSetHeapInformation", "RtlQueryHeapInformation", "RtlWalkHeap",  # guest/ntdll/heap.c
              "RtlInitializeCriticalSection", "RtlInitializeCriticalSectionAndSpinCount",
              "RtlInitializeCriticalSectionEx", "RtlEnterCriticalSection", "RtlTryEnterCriticalSection",
              "RtlLeaveCriticalSection", "RtlDeleteCriticalSection", "RtlSetCriticalSectionSpinCount",
              "RtlIsCriticalSectionLocked", "RtlIsCriticalSectionLockedByThread"}  # guest/ntdll/critsec.c
# kernel32's heap (exports/heap.def) and critical sections (exports/sync.def); a forwarder names its ntdll export.
KERNEL32_HEAP_ORDINALS = {
    "HeapCreate": 900, "HeapDestroy": 901, "HeapAlloc": 902, "HeapFree": 903, "HeapReAlloc": 904, "HeapSize": 905,
    "HeapValidate": 906, "HeapCompact": 907, "HeapLock": 908, "HeapUnlock": 909, "HeapSetInformation": 910,
    "HeapQueryInformation": 911, "GetProcessHeap": 912, "GetProcessHeaps": 913, "LocalAlloc": 914,
    "LocalFree": 915, "LocalReAlloc": 916, "LocalSize": 917, "LocalLock": 918, "LocalUnlock": 919,
    "LocalFlags": 920, "LocalHandle": 921, "GlobalAlloc": 922, "GlobalFree": 923, "GlobalReAlloc": 924,
    "GlobalSize": 925, "GlobalLock": 926, "GlobalUnlock": 927, "GlobalFlags": 928, "GlobalHandle": 929,
    "HeapWalk": 930,
    "DeleteCriticalSection": 324, "EnterCriticalSection": 325, "InitializeCriticalSection": 326,
    "InitializeCriticalSectionAndSpinCount": 327, "InitializeCriticalSectionEx": 328, "LeaveCriticalSection": 329,
    "SetCriticalSectionSpinCount": 330, "TryEnterCriticalSection": 331,
}
KERNEL32_FORWARDERS = {
    "HeapAlloc": "ntdll.RtlAllocateHeap", "HeapReAlloc": "ntdll.RtlReAllocateHeap", "HeapSize": "ntdll.RtlSizeHeap",
    "DeleteCriticalSection": "ntdll.RtlDeleteCriticalSection", "EnterCriticalSection": "ntdll.RtlEnterCriticalSection",
    "InitializeCriticalSection": "ntdll.RtlInitializeCriticalSection",
    "LeaveCriticalSection": "ntdll.RtlLeaveCriticalSection",
    "SetCriticalSectionSpinCount": "ntdll.RtlSetCriticalSectionSpinCount",
    "TryEnterCriticalSection": "ntdll.RtlTryEnterCriticalSection",
}
EXCEPTION_NAMES = {"RtlRaiseException", "RtlAddVectoredExceptionHandler", "RtlRemoveVectoredExceptionHandler",
                   "RtlAddVectoredContinueHandler", "RtlRemoveVectoredContinueHandler",
                   "RtlSetUnhandledExceptionFilter"}  # guest/ntdll/exception.c, ntdll32.S, ntdll64.S
STATUS_NAMES = {"RtlNtStatusToDosError", "RtlNtStatusToDosErrorNoTeb"}  # guest/ntdll/ntstatus.c
USER_SYNC_NAMES = {"RtlSleepConditionVariableSRW", "RtlSleepConditionVariableCS", "RtlRunOnceExecuteOnce",
                   "RtlRunOnceBeginInitialize", "RtlRunOnceComplete",  # guest/ntdll/sync.c, for usersync.c
                   "RtlFlsAlloc", "RtlFlsFree", "RtlFlsGetValue", "RtlFlsSetValue"}  # fls.c, for tlsapi.c
FS_REDIRECTION_NAMES = {"RtlWow64EnableFsRedirection", "RtlWow64EnableFsRedirectionEx"}  # wow64fsredir.c

# guest/user32/user32.def, by name only.
USER32_EXPORTS = frozenset({"CreateWindowExW", "DestroyWindow", "GetMessageW", "PeekMessageW", "PostMessageW",
                            "WaitForInputIdle"})
# guest/shlwapi/shlwapi.def, by name only.
SHLWAPI_EXPORTS = frozenset(
    {f"{name}{suffix}" for name in (
        "StrChr", "StrRChr", "StrCmpN", "StrCmpNI", "StrStr", "StrStrI", "PathFindFileName", "PathFindExtension",
        "PathIsRelative", "PathIsRoot", "PathSkipRoot", "PathRemoveFileSpec", "PathStripToRoot", "PathStripPath",
        "PathAddBackslash", "PathRemoveBackslash", "PathRemoveExtension", "PathRenameExtension", "PathQuoteSpaces",
        "PathUnquoteSpaces", "PathGetArgs", "PathRemoveArgs", "PathCanonicalize", "PathCombine", "PathAppend",
        "PathFileExists", "PathIsDirectory") for suffix in "AW"}
    | {"StrCmpW", "StrCmpIW", "StrCpyW", "StrCatW"})

# The advapi32.dll functions of the import census (guest/advapi32; tests/test_advapi32.py checks the rest).
ADVAPI32_CENSUS = frozenset({
    "RegCloseKey", "RegCreateKeyExA", "RegDeleteKeyA", "RegDeleteValueA", "RegEnumKeyExA", "RegOpenKeyExA",
    "RegQueryValueA", "RegQueryValueExA", "RegSetValueExA", "ConvertSidToStringSidW",
    "ConvertStringSecurityDescriptorToSecurityDescriptorW", "GetTokenInformation", "OpenProcessToken",
    "RegDeleteValueW", "RegOpenKeyW", "RegSetValueExW"})


@dataclass(frozen=True)
class Dll:
    path: str  # relative to wow64emu/sysroot/Windows
    machine: int
    image_base: int
    exports: frozenset[str]


DLLS = [
    Dll("SysWOW64/ntdll.dll", I386, 0x77C00000,
        frozenset(SYSCALL_NAMES | LOADER_NAMES | HEAP_NAMES | STATUS_NAMES
                  | {"Wow64SystemServiceCall", "Wow64Transition", "RtlUserThreadStart"})),
    Dll("System32/ntdll.dll", AMD64, 0x7FFFFED40000,
        frozenset(SYSCALL_NAMES | LOADER_NAMES | HEAP_NAMES | STATUS_NAMES | {"RtlUserThreadStart"})),
    Dll("SysWOW64/kernel32.dll", I386, 0x76B00000, frozenset(KERNEL32_ORDINALS)),
    Dll("System32/kernel32.dll", AMD64, 0x7FFFFE900000, frozenset(KERNEL32_ORDINALS)),
    Dll("System32/wow64cpu.dll", AMD64, 0x77B80000,
        frozenset({"KiFastSystemCall", "CpupReturnFromSimulatedCode", "CpupReturnToSimulatedCode",
                   "CpupSwitchTo32", "RunSimulatedCode", "CpupIretTo32"})),
    Dll("System32/wow64.dll", AMD64, 0x77A00000,
        frozenset({"Wow64SystemServiceEx", "Wow64ThunkDispatch", "Wow64ThunkComplete",
                   "Wow64ServiceNotFound"})),
    Dll("System32/wow64win.dll", AMD64, 0x77980000, frozenset({"Wow64WinServiceNotFound"})),
    Dll("SysWOW64/shlwapi.dll", I386, 0x76A00000, SHLWAPI_EXPORTS),
    Dll("System32/shlwapi.dll", AMD64, 0x7FFFFE800000, SHLWAPI_EXPORTS),
    Dll("SysWOW64/user32.dll", I386, 0x76900000, USER32_EXPORTS),
    Dll("System32/user32.dll", AMD64, 0x7FFFFE700000, USER32_EXPORTS),
    Dll("SysWOW64/advapi32.dll", I386, 0x76800000, ADVAPI32_CENSUS),
    Dll("System32/advapi32.dll", AMD64, 0x7FFFFE500000, ADVAPI32_CENSUS),
]

# The C runtimes (guest/crt, guest/vcruntime): path, machine, image base, the DLLs each imports. They have an entry
# point (the CRT's DLL_PROCESS_ATTACH work; vcruntime140's none).
CRT_DLLS = [
    ("SysWOW64/msvcrt.dll", I386, 0x76700000, {"kernel32.dll", "ntdll.dll"}),
    ("System32/msvcrt.dll", AMD64, 0x7FFFFE600000, {"kernel32.dll", "ntdll.dll"}),
    ("SysWOW64/ucrtbase.dll", I386, 0x76500000, {"kernel32.dll", "ntdll.dll"}),
    ("System32/ucrtbase.dll", AMD64, 0x7FFFFE400000, {"kernel32.dll", "ntdll.dll"}),
    ("SysWOW64/vcruntime140.dll", I386, 0x76480000, {"ucrtbase.dll", "kernel32.dll"}),
    ("System32/vcruntime140.dll", AMD64, 0x7FFFFE380000, {"ucrtbase.dll", "kernel32.dll"}),
    ("System32/vcruntime140_1.dll", AMD64, 0x7FFFFE360000, set()),
]

# Fixture programs: name -> widths it is built for.
PROGRAMS = {
    "hello": ("x86", "x64"), "hello_ntdll": ("x86", "x64"), "fileio": ("x86", "x64"), "gate": ("x86",),
    "seh": ("x86",), "seh64": ("x64",),
    "loop": ("x86", "x64"), "exitcode": ("x86", "x64"), "echo": ("x86", "x64"), "ordinal": ("x86", "x64"),
    "k32loop": ("x86", "x64"), "bench": ("x86", "x64"), "sleeper": ("x86", "x64"),
    "limits": ("x86", "x64"), "limits_laa": ("x86",), "loadlib": ("x86", "x64"),
    "uses_dll_notify": ("x86", "x64"), "uses_dll_outer": ("x86", "x64"), "hostile": ("x86", "x64"),
    "devices": ("x86", "x64"), "usersync": ("x86", "x64"), "heap": ("x86", "x64"),
    "statictls": ("x86", "x64"), "tlsslots": ("x86", "x64"), "codepages": ("x86", "x64"),
    "nlsstrings": ("x86", "x64"), "locales": ("x86", "x64"), "console": ("x86", "x64"),
    "strpath": ("x86", "x64"), "k32startup": ("x86", "x64"), "k32census": ("x86", "x64"), "unserved": ("x86", "x64"),
    "crt_hello": ("x86", "x64"), "crt_lines": ("x86", "x64"), "regviews": ("x86", "x64"),
    "junction": ("x86", "x64"), "envblock": ("x86", "x64"),
    "fsredir": ("x86", "x64"),
    "advapi_reg": ("x86", "x64"), "advapi_sec": ("x86", "x64"),
    "threads": ("x86", "x64"), "jobs": ("x86", "x64"),
    "pipes_threads": ("x86", "x64"), "srwcond": ("x86", "x64"),
    "regclasses": ("x86", "x64"), "uacprobe": ("x86", "x64"),
    "spawn": ("x86", "x64"), "childenv": ("x86", "x64"), "start64": ("x86", "x64"), "pyfake": ("x86", "x64"),
    "toolhelp": ("x86", "x64"),
}
# The differential-oracle scenarios (fixtures/src/oracle_*.c) are built for both widths; fixtures/README.md
# describes them as a group.
ORACLE_SCENARIOS = sorted(p.stem for p in (FIXTURES / "src").glob("oracle_*.c"))
FIXTURE_DLLS = sorted(p.stem for p in (FIXTURES / "src").glob("dll_*.c"))  # DLLs, both widths
FIXTURE_FILES = [(name, width) for name, widths in PROGRAMS.items() for width in widths] + [
    (name, width) for name in ORACLE_SCENARIOS for width in ("x86", "x64")]
# The MSVC-style programs (fixtures/src/msvc_*.cpp, built by clang in MSVC mode against vcruntime140 and the UCRT),
# both widths; tests/test_msvc_cxx_eh.py checks what they are.
MSVC_FIXTURE_FILES = [(p.stem, width) for p in (FIXTURES / "src").glob("msvc_*.cpp") for width in ("x86", "x64")]
WIDTH_MACHINE = {"x86": I386, "x64": AMD64}
WIDTH_SYSDIR = {"x86": "SysWOW64", "x64": "System32"}
DEFAULT_EXE_BASE = {"x86": 0x400000, "x64": 0x140000000}


def _pe(path: Path) -> pefile.PE:
    return parsed(path)


def _exports(path: Path) -> dict[str, int]:
    return {name: e.ordinal for name, e in exports(path).items()}


def _imports(path: Path) -> dict[str, list[str | int]]:
    """DLL name (lower case) -> imported names, or ordinals for imports by ordinal."""
    pe = _pe(path)
    return {
        e.dll.decode().lower(): [i.name.decode() if i.name else i.ordinal for i in e.imports]
        for e in getattr(pe, "DIRECTORY_ENTRY_IMPORT", [])
    }


def _fixture(name: str, width: str) -> Path:
    return FIXTURES / "bin" / width / f"{name}.exe"


# ---- generated sources -------------------------------------------------------------------------------------

def test_generated_sources_match_the_table():
    rendered = stubgen.render_sources()
    assert rendered, "stubgen renders nothing"
    for rel, text in rendered.items():
        path = ROOT / rel
        assert path.exists(), f"{rel} missing: run python -m wow64emu.nt.stubgen"
        stale = f"{rel} is stale: run python -m wow64emu.nt.stubgen"
        assert path.read_text(encoding="utf-8") == text, stale


def test_generated_sources_are_marked_and_complete():
    for rel, text in stubgen.render_sources().items():
        assert rel.startswith("guest/ntdll/generated/")
        assert "generated by wow64emu.nt.stubgen, do not edit" in text.splitlines()[0]
        for call in syscalls():
            assert call.name in text, (rel, call.name)


def test_stub_without_arguments_returns_with_c3():
    # No declared call has zero argument bytes yet: render one to check the `ret` form.
    call = Syscall("NtYieldExecution", windows_numbers()["NtYieldExecution"], ())
    text = stubgen.render_x86_stubs((call,))
    assert "_NtYieldExecution@0:" in text
    assert ".byte   0xC3" in text and "0xC2" not in text
    assert "NtYieldExecution@0" in stubgen.render_x86_exports((call,))
    assert "    NtYieldExecution\n" in stubgen.render_x64_exports((call,))


def test_no_stale_generated_files():
    on_disk = {p.relative_to(ROOT).as_posix() for p in (ROOT / stubgen.GENERATED_DIR).iterdir()}
    assert on_disk == set(stubgen.render_sources())


# ---- guest DLLs --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dll", DLLS, ids=lambda d: d.path)
def test_dll_shape(dll: Dll):
    pe = _pe(SYSROOT / dll.path)
    assert pe.FILE_HEADER.Machine == dll.machine
    assert pe.OPTIONAL_HEADER.ImageBase == dll.image_base
    assert pe.is_dll()
    assert pe.OPTIONAL_HEADER.AddressOfEntryPoint == 0  # no DllMain
    assert dll.exports <= set(_exports(SYSROOT / dll.path))


@pytest.mark.parametrize("sysdir", ["SysWOW64", "System32"])
@pytest.mark.parametrize(("name", "names"), [("shlwapi.dll", SHLWAPI_EXPORTS), ("user32.dll", USER32_EXPORTS)])
def test_upper_dlls_export_exactly_their_list_and_import_kernel32_only(sysdir: str, name: str, names: frozenset):
    assert set(_exports(SYSROOT / sysdir / name)) == names
    imports = _imports(SYSROOT / sysdir / name)
    assert set(imports) == {"kernel32.dll"}
    assert set(imports["kernel32.dll"]) <= set(_exports(SYSROOT / sysdir / "kernel32.dll"))


@pytest.mark.parametrize("sysdir", ["SysWOW64", "System32"])
def test_advapi32_imports_ntdll_and_kernel32_only(sysdir: str):
    imports = _imports(SYSROOT / sysdir / "advapi32.dll")
    assert set(imports) == {"ntdll.dll", "kernel32.dll"}
    for dll, names in imports.items():
        assert set(names) <= set(_exports(SYSROOT / sysdir / dll))


@pytest.mark.parametrize(("path", "machine", "base", "imported"), CRT_DLLS, ids=[d[0] for d in CRT_DLLS])
def test_c_runtime_dll_shape(path: str, machine: int, base: int, imported: set[str]):
    pe = _pe(SYSROOT / path)
    assert (pe.FILE_HEADER.Machine, pe.OPTIONAL_HEADER.ImageBase, pe.is_dll()) == (machine, base, True)
    assert bool(pe.OPTIONAL_HEADER.AddressOfEntryPoint) == ("vcruntime" not in path)
    imports = _imports(SYSROOT / path)
    assert set(imports) == imported
    for dll, names in imports.items():
        assert set(names) <= set(_exports(SYSROOT / path.split("/")[0] / dll)), (dll, names)


@pytest.mark.parametrize("dll", DLLS, ids=lambda d: d.path)
def test_dll_exports_are_undecorated(dll: Dll):
    for name in _exports(SYSROOT / dll.path):
        assert "@" not in name and (not name.startswith("_") or name in WINDOWS_UNDERSCORE_NAMES), name


@pytest.mark.parametrize("sysdir", ["SysWOW64", "System32"])
def test_kernel32_ordinals_are_fixed(sysdir: str):
    exports = _exports(SYSROOT / sysdir / "kernel32.dll")
    assert {name: exports[name] for name in KERNEL32_ORDINALS} == KERNEL32_ORDINALS


def test_the_interlocked_exports_are_the_32bit_kernel32s_only():
    names = {"InterlockedIncrement", "InterlockedDecrement", "InterlockedExchange", "InterlockedExchangeAdd",
             "InterlockedCompareExchange", "InterlockedCompareExchange64"}
    assert names <= set(_exports(SYSROOT / "SysWOW64" / "kernel32.dll"))
    assert not names & set(_exports(SYSROOT / "System32" / "kernel32.dll"))


@pytest.mark.parametrize("sysdir", ["SysWOW64", "System32"])
def test_kernel32_heap_ordinals_and_forwarders(sysdir: str):
    found = exports(SYSROOT / sysdir / "kernel32.dll")
    assert {name: found[name].ordinal for name in KERNEL32_HEAP_ORDINALS} == KERNEL32_HEAP_ORDINALS
    assert {name: (found[name].forwarder or b"").decode() for name in KERNEL32_FORWARDERS} == KERNEL32_FORWARDERS
    assert all(found[name].forwarder is None for name in set(KERNEL32_HEAP_ORDINALS) - set(KERNEL32_FORWARDERS))


@pytest.mark.parametrize("sysdir", ["SysWOW64", "System32"])
def test_kernel32_imports_only_ntdll_system_calls_and_loader(sysdir: str):
    imports = _imports(SYSROOT / sysdir / "kernel32.dll")
    assert set(imports) == {"ntdll.dll"}
    assert set(imports["ntdll.dll"]) <= (SYSCALL_NAMES | LOADER_NAMES | EXCEPTION_NAMES | USER_SYNC_NAMES
                                         | HEAP_NAMES | FS_REDIRECTION_NAMES | STATUS_NAMES)
    assert set(imports["ntdll.dll"]) <= set(_exports(SYSROOT / sysdir / "ntdll.dll"))


def test_wow64cpu_imports_wow64_system_service_ex():
    assert _imports(SYSROOT / "System32" / "wow64cpu.dll") == {"wow64.dll": ["Wow64SystemServiceEx"]}


@pytest.mark.parametrize("dll", ["SysWOW64/ntdll.dll", "System32/ntdll.dll", "System32/wow64win.dll"])
def test_leaf_dlls_import_nothing(dll: str):
    assert _imports(SYSROOT / dll) == {}


def test_wow64_imports_only_the_unwinding_of_its_converted_calls():
    # convert.c's language handler unwinds a call whose 32-bit pointer faulted (Windows' wow64.dll imports ntdll too).
    assert _imports(SYSROOT / "System32/wow64.dll") == {"ntdll.dll": ["RtlUnwindEx"]}


# ---- fixtures ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "width"), FIXTURE_FILES, ids=lambda v: v)
def test_fixture_shape(name: str, width: str):
    path = _fixture(name, width)
    folder = "crt" if name.startswith("crt_") else "src"  # crt_*: built with the toolchain's own start-up
    assert (FIXTURES / folder / f"{name.removesuffix('_laa')}.c").exists()  # NAME_laa: NAME.c, linked LAA
    pe = _pe(path)
    assert pe.FILE_HEADER.Machine == WIDTH_MACHINE[width]
    assert not pe.is_dll()
    assert pe.OPTIONAL_HEADER.Subsystem == SUBSYSTEM_CONSOLE
    assert pe.OPTIONAL_HEADER.ImageBase == DEFAULT_EXE_BASE[width]
    assert pe.OPTIONAL_HEADER.AddressOfEntryPoint != 0


def _import_source(dll: str, width: str) -> Path:
    """The file an import of a fixture resolves against: a guest system DLL, or a fixture DLL beside it."""
    if dll in ("kernel32.dll", "ntdll.dll", "shlwapi.dll", "advapi32.dll", "msvcrt.dll"):
        return SYSROOT / WIDTH_SYSDIR[width] / dll
    assert dll.removesuffix(".dll") in FIXTURE_DLLS, dll
    return FIXTURES / "bin" / width / dll


@pytest.mark.parametrize(("name", "width"), FIXTURE_FILES, ids=lambda v: v)
def test_fixture_imports_resolve_against_the_guest_dlls(name: str, width: str):
    imports = _imports(_fixture(name, width))
    assert imports
    for dll, names in imports.items():
        exports = _exports(_import_source(dll, width))
        ordinals = set(exports.values())
        for item in names:
            assert item in ordinals if isinstance(item, int) else item in exports, (dll, item)


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_hello_ntdll_imports_only_ntdll(width: str):
    assert set(_imports(_fixture("hello_ntdll", width))) == {"ntdll.dll"}


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_ordinal_fixture_imports_by_number(width: str):
    names = _imports(_fixture("ordinal", width))["kernel32.dll"]
    assert KERNEL32_ORDINALS["GetStdHandle"] in names
    assert KERNEL32_ORDINALS["ExitProcess"] in names
    assert "GetStdHandle" not in names and "ExitProcess" not in names


def test_gate_is_32bit_only():
    assert _fixture("gate", "x86").exists()
    assert not _fixture("gate", "x64").exists()


def test_no_unlisted_fixture_binaries():
    on_disk = {(p.stem, p.parent.name) for p in (FIXTURES / "bin").glob("*/*.exe")}
    assert on_disk == set(FIXTURE_FILES) | set(MSVC_FIXTURE_FILES)
    dlls = {(p.stem, p.parent.name) for p in (FIXTURES / "bin").glob("*/*.dll")}
    assert dlls == {(name, width) for name in FIXTURE_DLLS for width in ("x86", "x64")}


@pytest.mark.parametrize("name", FIXTURE_DLLS)
@pytest.mark.parametrize("width", ["x86", "x64"])
def test_fixture_dll_shape(name: str, width: str):
    pe = _pe(FIXTURES / "bin" / width / f"{name}.dll")
    assert pe.FILE_HEADER.Machine == WIDTH_MACHINE[width] and pe.is_dll()
    assert pe.OPTIONAL_HEADER.AddressOfEntryPoint != 0  # DllMain
    assert not pe.FILE_HEADER.Characteristics & RELOCS_STRIPPED  # it can move: they share one preferred base
    if width == "x86" or name == "dll_plus":  # i686 code holds absolute addresses, dll_plus's data one in x64 too
        assert pe.OPTIONAL_HEADER.DATA_DIRECTORY[5].Size  # base relocations
    imports = _imports(FIXTURES / "bin" / width / f"{name}.dll")
    assert set(imports) - {f"{d}.dll" for d in FIXTURE_DLLS} == {"kernel32.dll"}
    for dll, names in imports.items():
        assert set(names) <= set(_exports(_import_source(dll, width))), (dll, names)


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_fixtures_import_fixture_dlls_only_where_they_call_them(width: str):
    # guest/build.sh links every fixture against every fixture DLL's import library: only a call makes an import.
    def fixture_dlls(path: Path) -> set[str]:
        return {dll for dll in _imports(path) if dll.removesuffix(".dll") in FIXTURE_DLLS}

    for name, widths in PROGRAMS.items():
        if width in widths:
            expected = {name.removeprefix("uses_") + ".dll"} if name.startswith("uses_") else set()
            expected |= {"dll_threads.dll"} if name == "threads" else set()  # counts its thread notifications
            assert fixture_dlls(_fixture(name, width)) == expected, name
    for name in FIXTURE_DLLS:
        expected = {"dll_inner.dll"} if name == "dll_outer" else set()
        assert fixture_dlls(FIXTURES / "bin" / width / f"{name}.dll") == expected, name


def test_fixture_readme_lists_every_program():
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    for name in PROGRAMS:
        assert f"`{name}`" in readme, name
    assert "`oracle_*`" in readme


# ---- determinism -------------------------------------------------------------------------------------------

ALL_IMAGES = [SYSROOT / d.path for d in DLLS] + [SYSROOT / d[0] for d in CRT_DLLS] + [
    _fixture(n, w) for n, w in FIXTURE_FILES] + [
    FIXTURES / "bin" / w / f"{n}.dll" for n in FIXTURE_DLLS for w in ("x86", "x64")]


@pytest.mark.parametrize("path", ALL_IMAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_timestamps(path: Path):
    pe = _pe(path)
    assert pe.FILE_HEADER.TimeDateStamp == 0
    if hasattr(pe, "DIRECTORY_ENTRY_EXPORT"):
        assert pe.DIRECTORY_ENTRY_EXPORT.struct.TimeDateStamp == 0
    for entry in getattr(pe, "DIRECTORY_ENTRY_IMPORT", []):
        assert entry.struct.TimeDateStamp == 0
    assert not hasattr(pe, "DIRECTORY_ENTRY_DEBUG")  # no debug directory (and so no CodeView timestamp)
