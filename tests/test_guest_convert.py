"""wow64.dll's own conversion of structure calls (guest/wow64/convert.c, described by wow64emu/thunks/convtable.py):
a call whose structures differ between the widths and that has no hand-written part is widened, served through
the 64-bit stub's `syscall` and narrowed by 64-bit guest code, with no Python before the kernel; a bad 32-bit
pointer ends it with STATUS_ACCESS_VIOLATION through the exception handler of its frame."""

import io
import json
import struct
from pathlib import Path

import pytest

from tests.wow64rig import DATA, Wow64Rig, object_attributes32, unicode_string32
from wow64emu.emu.memory import MemType, Prot
from wow64emu.kernel.entry import SyscallEntry
from wow64emu.nt.status import NTSTATUS
from wow64emu.nt.syscalls import by_name
from wow64emu.thunks import convtable, files
from wow64emu.thunks.dispatch import Wow64Dispatcher
from wow64emu.thunks.fsredirect import redirect
from wow64emu.thunks.table import thunks

N = {name: call.number for name, call in by_name().items()}
EVENT_ALL_ACCESS = 0x1F0003
HANDLE_OUT, NAME, OA = DATA + 0x100, DATA + 0x200, DATA + 0x300
READ_ONLY = 0x00340000  # a page the rig maps read-only; the page after it is free


@pytest.fixture
def rig(tmp_path: Path) -> Wow64Rig:
    rig = Wow64Rig(tmp_path)
    rig.memory.map_committed(READ_ONLY, 0x1000, MemType.PRIVATE, Prot.READONLY, "read-only")
    assert rig.memory.region_at(READ_ONLY + 0x1000) is None
    return rig


def event_oa(rig: Wow64Rig, name: str, length: int = 24) -> int:
    return object_attributes32(rig, OA, unicode_string32(rig, NAME, name), length=length)


def create_event(rig: Wow64Rig, handle_ptr: int, oa: int) -> int:
    return rig.syscall(N["NtCreateEvent"], handle_ptr, EVENT_ALL_ACCESS, oa, 0, 0).exit_status


def open_event(rig: Wow64Rig, name: str) -> int:
    return rig.syscall(N["NtOpenEvent"], HANDLE_OUT, EVENT_ALL_ACCESS, event_oa(rig, name)).exit_status


def test_the_calls_wow64_converts_itself() -> None:
    converted = {call.name for call in thunks().values() if convtable.convertible(call)}
    assert {"NtCreateEvent", "NtOpenEvent", "NtAllocateVirtualMemory", "NtQueryInformationFile", "NtReadFile",
            "NtWriteFile", "NtCreateFile", "NtOpenFile", "NtDeleteFile", "NtQueryAttributesFile",
            "NtQueryFullAttributesFile"} <= converted
    # Other hand-written parts keep the Python path, and so do scalar-only calls, which the fast table widens.
    assert not {"NtSetInformationFile", "NtOpenKey", "NtQueryInformationProcess", "NtClose"} & converted


def test_the_calls_redirected_by_wow64s_code_are_those_of_the_python_redirector() -> None:
    assert convtable.REDIRECTED == {name for name, part in files.SPECIALS.items()
                                    if part is files.redirect_object_attributes}


def test_a_converted_call_never_enters_the_python_dispatcher(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    entries, syscalls = [], []
    original, original_syscall = Wow64Dispatcher._on_dispatch, SyscallEntry._on_syscall
    monkeypatch.setattr(Wow64Dispatcher, "_on_dispatch", lambda self: (entries.append(1), original(self)))
    monkeypatch.setattr(SyscallEntry, "_on_syscall", lambda self: (syscalls.append(1), original_syscall(self)))
    rig = Wow64Rig(tmp_path)
    rig.put(HANDLE_OUT, b"\xad\xde\xad\xde")
    assert create_event(rig, HANDLE_OUT, event_oa(rig, "\\BaseNamedObjects\\converted")) == NTSTATUS.SUCCESS
    assert rig.u32(HANDLE_OUT) not in (0xDEADDEAD, 0) and rig.u32(HANDLE_OUT) % 4 == 0
    assert entries == []
    # NtOpenFile with an absolute name: redirected (or not) by wow64.dll's own code.
    status = rig.syscall(N["NtOpenFile"], HANDLE_OUT, 0x100001, event_oa(rig, "\\??\\C:\\"), DATA + 0x500, 7,
                         0x21).exit_status
    assert status == NTSTATUS.SUCCESS and entries == [] and len(syscalls) == 2  # the kernel entered by SYSCALL
    # A name relative to a directory needs the directory's name: the Python dispatcher converts that call, and
    # serves it from its hook (no SYSCALL).
    root = rig.u32(HANDLE_OUT)
    oa = object_attributes32(rig, OA, unicode_string32(rig, NAME, "Windows"), root=root)
    status = rig.syscall(N["NtOpenFile"], HANDLE_OUT, 0x100001, oa, DATA + 0x500, 7, 0x21).exit_status
    assert status == NTSTATUS.SUCCESS and entries == [1] and len(syscalls) == 2


def test_the_nested_name_is_widened_and_the_length_checked(rig: Wow64Rig) -> None:
    # The UNICODE_STRING the OBJECT_ATTRIBUTES points to is rebuilt too: the object gets its name.
    assert create_event(rig, HANDLE_OUT, event_oa(rig, "\\BaseNamedObjects\\widened")) == NTSTATUS.SUCCESS
    assert open_event(rig, "\\BaseNamedObjects\\widened") == NTSTATUS.SUCCESS
    assert open_event(rig, "\\BaseNamedObjects\\other") == NTSTATUS.OBJECT_NAME_NOT_FOUND
    # Length 24 becomes 48; any other length reaches the kernel as it is, which refuses it.
    oa = event_oa(rig, "\\BaseNamedObjects\\short", length=20)
    assert create_event(rig, HANDLE_OUT, oa) == NTSTATUS.INVALID_PARAMETER


def test_an_output_the_kernel_does_not_write_is_left_alone(rig: Wow64Rig) -> None:
    rig.put(HANDLE_OUT, b"\xad\xde\xad\xde")
    oa = event_oa(rig, "\\NoSuchDirectory\\event")
    assert create_event(rig, HANDLE_OUT, oa) == NTSTATUS.OBJECT_PATH_NOT_FOUND
    assert rig.u32(HANDLE_OUT) == 0xDEADDEAD


@pytest.mark.parametrize("handle_ptr", [0xDEAD0000, READ_ONLY + 0x10, READ_ONLY + 0xFFE, DATA - 2],
                         ids=["unmapped", "read-only", "read-only, straddling", "straddling from unmapped"])
def test_an_output_that_cannot_be_written_fails_the_call_before_the_kernel(rig: Wow64Rig, handle_ptr: int) -> None:
    before = rig.get(READ_ONLY, 0x1000)
    assert create_event(rig, handle_ptr, event_oa(rig, "\\BaseNamedObjects\\never")) == NTSTATUS.ACCESS_VIOLATION
    assert rig.get(READ_ONLY, 0x1000) == before
    assert open_event(rig, "\\BaseNamedObjects\\never") == NTSTATUS.OBJECT_NAME_NOT_FOUND  # never created


def test_an_input_that_cannot_be_read_fails_the_call(rig: Wow64Rig) -> None:
    assert create_event(rig, HANDLE_OUT, 0xDEAD0000) == NTSTATUS.ACCESS_VIOLATION
    assert create_event(rig, HANDLE_OUT, READ_ONLY + 0xFF0) == NTSTATUS.ACCESS_VIOLATION  # runs off the page
    # The name's UNICODE_STRING is unreadable: the nested rebuild fails the same way.
    oa = object_attributes32(rig, OA, 0xDEAD0000)
    assert create_event(rig, HANDLE_OUT, oa) == NTSTATUS.ACCESS_VIOLATION


def test_the_thread_goes_on_after_many_faults(rig: Wow64Rig) -> None:
    oa = event_oa(rig, "\\BaseNamedObjects\\after")
    for _ in range(100):
        assert create_event(rig, 0xDEAD0000, oa) == NTSTATUS.ACCESS_VIOLATION
    assert create_event(rig, HANDLE_OUT, oa) == NTSTATUS.SUCCESS
    assert open_event(rig, "\\BaseNamedObjects\\after") == NTSTATUS.SUCCESS


def test_in_and_out_values_are_narrowed_back(rig: Wow64Rig) -> None:
    # NtProtectVirtualMemory: the base and size (in and out) come back rounded to pages, the old protection out.
    base_ptr, size_ptr, old_ptr = DATA + 0x400, DATA + 0x404, DATA + 0x408
    rig.put(base_ptr, struct.pack("<III", DATA + 0x1234, 0x10, 0xDEADDEAD))
    status = rig.syscall(N["NtProtectVirtualMemory"], 0xFFFFFFFF, base_ptr, size_ptr, 2, old_ptr).exit_status
    assert status == NTSTATUS.SUCCESS
    assert struct.unpack("<III", rig.get(base_ptr, 12)) == (DATA + 0x1000, 0x1000, 4)  # PAGE_READWRITE before


def test_a_trace_shows_the_conversions_of_a_converted_call(tmp_path: Path) -> None:
    # Traced, every call takes the Python path, whose steps the trace shows.
    out = io.StringIO()
    rig = Wow64Rig(tmp_path, trace=out)
    assert create_event(rig, HANDLE_OUT, event_oa(rig, "\\BaseNamedObjects\\traced")) == NTSTATUS.SUCCESS
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    structs = [e for e in events if e["layer"] == "wow64" and e["event"] == "struct"]
    assert {e["layout"] for e in structs} >= {"OBJECT_ATTRIBUTES", "UNICODE_STRING", "HANDLE"}


NAMES = ["\\??\\C:\\Windows\\System32\\kernel32.dll", "\\??\\c:\\windows\\system32", "\\??\\C:\\Windows\\System32\\",
         "\\??\\C:\\Windows\\System32\\drivers\\etc\\hosts", "\\??\\C:\\Windows\\System32\\drivers\\x",
         "\\??\\C:\\Windows\\System32\\drivers\\etc", "\\??\\C:\\Windows\\System32\\CatRoot2\\x",
         "\\??\\C:\\Windows\\System32\\catroot", "\\??\\C:\\Windows\\System32\\spool\\",
         "\\??\\C:\\Windows\\System32\\DriverStore\\a", "\\??\\C:\\Windows\\System32\\LogFiles",
         "\\??\\C:\\Windows\\System32\\catroot3", "\\??\\C:\\Windows\\Sysnative\\cmd.exe",
         "\\??\\C:\\Windows\\SYSNATIVE", "\\??\\C:\\Windows\\lastgood\\system32\\x", "\\??\\C:\\Windows\\lastgood",
         "\\??\\C:\\Windows\\regedit.exe", "\\??\\C:\\Windows\\REGEDIT.EXE\\", "\\??\\C:\\Windows\\regedit.exe\\x",
         "\\??\\C:\\Windows\\notepad.exe", "\\\\?\\C:\\Windows\\System32\\x", "\\DosDevices\\C:\\Windows\\System32\\x",
         "\\GLOBAL??\\C:\\WINDOWS\\SYSTEM32\\X", "\\Device\\HarddiskVolume3\\Windows\\System32",
         "\\??\\D:\\Windows\\System32", "\\??\\C:\\Windows", "\\??\\C:\\Windows\\", "\\??\\C:\\Windows\\\\System32",
         "\\??\\C:\\Windows\\System32\\\\x", "\\??\\C:\\Windows\\System32x", "\\??\\", "\\??\\C:",
         "\\??\\C:\\Windows\\System32\\..\\x", "\\??\\C:\\Wındows\\System32\\x", "\\??\\C:\\Windows\\Système32",
         "\\??\\C:\\Windows\\System32\\" + "a" * 600]


@pytest.mark.parametrize("disabled", [False, True], ids=["redirection on", "redirection off"])
def test_the_redirector_of_wow64s_code_follows_the_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          disabled: bool) -> None:
    # What the kernel receives for each name is what thunks/fsredirect.py's rules make of it, whichever code
    # converted the call (wow64.dll's for ASCII names, the Python dispatcher's for the others and the long one).
    seen: list[str] = []
    original = SyscallEntry.serve

    def serve(self, call, service, thread, args):  # noqa: ANN001, ANN202
        if call.name == "NtQueryAttributesFile":
            oa = args[0]
            name_ptr = struct.unpack("<Q", self.process.memory.peek(oa + 0x10, 8))[0]
            length, _, buffer = struct.unpack("<HHxxxxQ", self.process.memory.peek(name_ptr, 16))
            seen.append(self.process.memory.peek(buffer, length).decode("utf-16-le"))
        return original(self, call, service, thread, args)

    monkeypatch.setattr(SyscallEntry, "serve", serve)
    rig = Wow64Rig(tmp_path)
    teb64 = rig.machine.created.thread.teb64
    rig.put(teb64 + 0x1480 + 8 * 8, struct.pack("<Q", int(disabled)))  # TLS slot 8: Wow64DisableWow64FsRedirection
    for name in NAMES:
        seen.clear()
        oa = object_attributes32(rig, OA, unicode_string32(rig, DATA + 0x2000, name))  # room for the long name
        rig.syscall(N["NtQueryAttributesFile"], oa, DATA + 0x800)
        found = redirect(name, enabled=not disabled)
        assert seen == [found.name if found else name], name


def run_calls(rig: Wow64Rig) -> list[tuple[int, bytes]]:
    """A few converted calls, good and bad: each one's status and the rig's data page after it."""
    results = []

    def call(name: str, *args: int) -> None:
        status = rig.syscall(N[name], *args).exit_status
        results.append((status, rig.get(DATA, 0x1000)))

    rig.put(DATA + 0x400, struct.pack("<II", 0, 0x12345))
    call("NtAllocateVirtualMemory", 0xFFFFFFFF, DATA + 0x400, 0, DATA + 0x404, 0x3000, 4)
    rig.put(DATA + 0x410, struct.pack("<III", DATA + 0x1234, 0x10, 0xDEADDEAD))
    call("NtProtectVirtualMemory", 0xFFFFFFFF, DATA + 0x410, DATA + 0x414, 2, DATA + 0x418)
    call("NtCreateEvent", HANDLE_OUT, EVENT_ALL_ACCESS, event_oa(rig, "\\BaseNamedObjects\\same"), 0, 1)
    call("NtCreateEvent", HANDLE_OUT + 4, EVENT_ALL_ACCESS, event_oa(rig, "\\BaseNamedObjects\\same"), 0, 1)
    call("NtCreateEvent", READ_ONLY, EVENT_ALL_ACCESS, 0, 0, 1)
    call("NtQueryAttributesFile", event_oa(rig, "\\??\\C:\\Windows\\System32\\ntdll.dll"), DATA + 0x800)
    call("NtOpenFile", HANDLE_OUT + 8, 0x100001, event_oa(rig, "\\??\\C:\\Windows"), DATA + 0x500, 7, 0x21)
    call("NtQueryInformationFile", rig.u32(HANDLE_OUT + 8), DATA + 0x508, DATA + 0x600, 8, 14)  # position
    call("NtQueryInformationFile", rig.u32(HANDLE_OUT + 8), 0xDEAD0000, DATA + 0x600, 8, 14)
    return results


def test_wow64s_code_and_the_python_dispatcher_convert_alike(tmp_path: Path) -> None:
    # Traced, the Python dispatcher converts every call; untraced, wow64.dll's code: the same statuses and bytes.
    untraced, traced = Wow64Rig(tmp_path / "a"), Wow64Rig(tmp_path / "b", trace=io.StringIO())
    for rig in (untraced, traced):
        rig.memory.map_committed(READ_ONLY, 0x1000, MemType.PRIVATE, Prot.READONLY, "read-only")
    first, second = run_calls(untraced), run_calls(traced)
    assert [status for status, _ in first] == [0, 0, 0, NTSTATUS.OBJECT_NAME_COLLISION, NTSTATUS.ACCESS_VIOLATION, 0, 0,
                                               0, NTSTATUS.ACCESS_VIOLATION]
    assert first == second


@pytest.mark.parametrize("case", ["unmapped", "huge argument count", "many pointers", "huge layout"])
def test_a_guest_that_rewrites_the_conversion_tables_only_ends_itself(tmp_path: Path, case: str) -> None:
    # Wow64ConvertTable and Wow64ConvertData are the process's own writable memory, as wow64.dll's data is on Windows:
    # a guest that scribbles over them ends with an access violation at once, and the emulator goes on.
    rig = Wow64Rig(tmp_path)
    wow64 = rig.machine.created.modules64["wow64.dll"]
    table, data = wow64.exports["Wow64ConvertTable"], wow64.exports["Wow64ConvertData"]
    number = N["NtCreateEvent"]
    description = struct.unpack("<Q", rig.get(table + 8 * number, 8))[0]
    stub = struct.unpack("<Q", rig.get(description, 8))[0]
    head = struct.Struct("<QIIIIBBxxxxxx")
    bodies = {"huge argument count": head.pack(stub, 0xFFFFFFFF, 0, 0, number, 0, 0xFF),
              "many pointers": head.pack(stub, 5, 0, 0, number, 255, 0xFF) + struct.pack("<BBHI", 0, 1, 0, 8) * 255,
              "huge layout": head.pack(stub, 5, 0, 0, number, 1, 0xFF) + struct.pack("<BBHI", 0, 1, 0, 0x1FF8)}
    if case == "unmapped":
        rig.put(table + 8 * number, struct.pack("<Q", 0xDEAD0000))
    else:
        rig.put(data + 0x1FF8, struct.pack("<HHI", 0xFFFF, 0xFFFF, 0xFFFFFFFF))
        rig.put(DATA + 0x3000, bodies[case])
        rig.put(table + 8 * number, struct.pack("<Q", DATA + 0x3000))
    outcome = rig.syscall(number, HANDLE_OUT, EVENT_ALL_ACCESS, 0, 0, 0)
    assert outcome.exit_status == NTSTATUS.ACCESS_VIOLATION
