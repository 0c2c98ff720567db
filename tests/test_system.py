"""The spine: a System holds processes, a process its address space, handles, CPU and threads; services get the
calling thread; the service table matches the declarations one to one; two Systems share nothing."""

from __future__ import annotations

import inspect
import io
import marshal
import struct
import time
from pathlib import Path

import pytest

from tests.conftest import SCRATCH, KernelRig, kernel_rig, new_thread
from tests.wow64rig import DATA, Wow64Rig, object_attributes32, unicode_string32
from wow64emu.emu.memory import MemState
from wow64emu.kernel import memory, services, sync
from wow64emu.kernel.console import StdStreams
from wow64emu.kernel.handles import CURRENT_PROCESS
from wow64emu.kernel.services import ServiceTableError, service_functions
from wow64emu.kernel.system import FIRST_CLIENT_ID, System
from wow64emu.nt import process as P
from wow64emu.nt.status import NTSTATUS
from wow64emu.nt.syscalls import by_name, syscalls

EVENT_ALL_ACCESS = 0x1F0003
OUT, NAME, OA, BASE, SIZE, BUF = (SCRATCH + off for off in (0x0, 0x100, 0x200, 0x300, 0x308, 0x400))


# ---- the service table ----------------------------------------------------------------------------------------

def test_every_declared_call_has_one_service_taking_the_thread_then_the_declared_parameters() -> None:
    functions = service_functions()
    assert set(functions) == {call.name for call in syscalls()}
    for name, (_module, fn) in functions.items():
        params = list(inspect.signature(fn).parameters)
        assert params == ["self", "thread", *(p.name for p in by_name()[name].params)], name


def test_a_service_without_declaration_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def NtFlushProcessWriteBuffers(self, thread) -> int:  # declared nowhere
        return 0

    monkeypatch.setattr(sync, "SERVICES", (*sync.SERVICES, NtFlushProcessWriteBuffers))
    with pytest.raises(ServiceTableError, match="services without a declaration: NtFlushProcessWriteBuffers"):
        service_functions()


def test_a_declared_call_without_service_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "SERVICES", tuple(s for s in memory.SERVICES if s.__name__ != "NtFreeVirtualMemory"))
    with pytest.raises(ServiceTableError, match="declared calls without a service: NtFreeVirtualMemory"):
        service_functions()


def test_two_services_for_one_call_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "AREAS", (*services.AREAS, "memory"))
    with pytest.raises(ServiceTableError, match="NtAllocateVirtualMemory is served twice"):
        service_functions()



def test_the_service_index_names_each_calls_area_and_class_and_is_found_again_when_wrong(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    index = services.service_index()
    assert index["NtCreateEvent"] == ("sync", "SyncServices")
    assert index == {name: (module.__name__.rpartition(".")[2], services._owner(module, fn).__name__)
                     for name, (module, fn) in service_functions().items()}
    [kept] = (tmp_path / "wow64emu").glob("kernel-services-*.marshal")  # one per checkout
    stored = marshal.loads(kept.read_bytes())
    del stored["value"]["NtCreateEvent"]  # an index that misses a declared call is not used
    kept.write_bytes(marshal.dumps(stored))
    assert services.service_index() == index


def test_a_service_is_bound_when_its_call_is_first_made(tmp_path: Path) -> None:
    rig = kernel_rig(tmp_path)
    table = rig.system.services
    number = by_name()["NtCreateEvent"].number
    unbound = table.services[number][1]
    assert type(unbound).__name__ == "_Unbound" and unbound.__name__ == "NtCreateEvent"
    assert table.dispatch(unbound, rig.thread, [OUT, EVENT_ALL_ACCESS, 0, 0, 0]) == 0  # as the SYSCALL entry calls it
    assert rig.process.handles.lookup(rig.u64(OUT)) is not None
    service = table.services[number][1]
    assert service.__name__ == "NtCreateEvent" and type(service.__self__).__module__ == sync.__name__
    same_area = table.lookup(by_name()["NtSetEvent"].number)[1]  # bound by lookup; the area's one instance
    assert same_area.__self__ is service.__self__ and table.services[by_name()["NtSetEvent"].number][1] == same_area

# ---- two processes in one System ------------------------------------------------------------------------------

def name_oa(k: KernelRig, name: str) -> int:
    """A 64-bit OBJECT_ATTRIBUTES naming `name` (case-insensitive), at OA."""
    data = name.encode("utf-16-le")
    k.process.memory.poke(NAME + 16, data)
    k.process.memory.poke(NAME, struct.pack("<HHxxxxQ", len(data), len(data), NAME + 16))
    k.process.memory.poke(OA, struct.pack("<QQQIxxxxQQ", 48, 0, NAME, 0x40, 0, 0))
    return OA


def test_two_processes_share_the_namespace_but_not_memory_handles_or_cpu(tmp_path: Path) -> None:
    a = kernel_rig(tmp_path)
    b = KernelRig(new_thread(a.system))
    assert a.process is not b.process and a.system is b.system
    assert a.process.cpu is not b.process.cpu and a.process.cpu.uc is not b.process.cpu.uc
    # A named event made through one process's services is opened through the other's.
    assert a.call("NtCreateEvent", OUT, EVENT_ALL_ACCESS, name_oa(a, "\\BaseNamedObjects\\shared"), 0, 0) == 0
    made = a.u64(OUT)
    assert b.call("NtOpenEvent", OUT, EVENT_ALL_ACCESS, name_oa(b, "\\BaseNamedObjects\\SHARED")) == 0
    opened = b.u64(OUT)
    assert a.process.handles.lookup(made) is b.process.handles.lookup(opened)
    # Setting it through one is seen through the other.
    assert a.call("NtSetEvent", made, 0) == 0
    assert b.call("NtWaitForSingleObject", opened, 0, 0) == NTSTATUS.SUCCESS
    # The handle tables are the processes' own: a handle closed in one stays open in the other, a new one is
    # only where it was made.
    assert b.call("NtClose", opened) == 0
    assert b.process.handles.lookup(opened) is None and a.call("NtResetEvent", made, 0) == 0
    assert a.call("NtCreateEvent", OUT, EVENT_ALL_ACCESS, 0, 0, 0) == 0
    assert b.call("NtSetEvent", a.u64(OUT), 0) == NTSTATUS.INVALID_HANDLE
    # Memory allocated in one is not in the other.
    a.put_u64(BASE, 0)
    a.put_u64(SIZE, 0x1000)
    assert a.call("NtAllocateVirtualMemory", CURRENT_PROCESS, BASE, 0, SIZE, 0x3000, 4) == 0
    base = a.u64(BASE)
    a.process.memory.write(base, b"only in a")
    assert a.process.memory.query(base).state == MemState.COMMIT
    assert b.process.memory.query(base).state == MemState.FREE


def test_ids_are_distinct_multiples_of_four_shown_where_windows_shows_them(tmp_path: Path) -> None:
    a = kernel_rig(tmp_path)
    b = KernelRig(new_thread(a.system))
    ids = [a.process.pid, a.thread.tid, b.process.pid, b.thread.tid]
    assert ids == [FIRST_CLIENT_ID + 4 * i for i in range(4)]
    assert a.call("NtQueryInformationProcess", CURRENT_PROCESS, P.ProcessBasicInformation, BUF, 48, 0) == 0
    assert P.PROCESS_BASIC_INFORMATION.unpack(a.process.memory.peek(BUF, 48), 64)["UniqueProcessId"] == ids[0]
    assert b.call("NtQueryInformationThread", 0xFFFFFFFFFFFFFFFE, P.ThreadBasicInformation, BUF, 48, 0) == 0
    info = P.THREAD_BASIC_INFORMATION.unpack(b.process.memory.peek(BUF, 48), 64)
    assert (info["UniqueProcess"], info["UniqueThread"]) == (ids[2], ids[3])
    # Either process can open the other by its client id.
    a.process.memory.poke(BUF, struct.pack("<QQ", ids[2], 0))
    a.process.memory.poke(OA, struct.pack("<QQQIxxxxQQ", 48, 0, 0, 0, 0, 0))
    assert a.call("NtOpenProcess", OUT, 0x1000, OA, BUF) == 0
    assert a.process.handles.lookup(a.u64(OUT)) is b.process


def test_the_process_list_shows_every_process_of_the_system(tmp_path: Path) -> None:
    a = kernel_rig(tmp_path)
    b = KernelRig(new_thread(a.system))
    a.process.memory.map_committed(0x20000000, 0x4000, 0x20000, 4, "big")
    assert a.call("NtQuerySystemInformation", P.SystemProcessInformation, 0x20000000, 0x4000, 0) == 0
    data, pids, offset = a.process.memory.peek(0x20000000, 0x4000), [], 0
    while True:
        record = P.SYSTEM_PROCESS_INFORMATION.unpack(data[offset:], 64)
        pids.append(record["UniqueProcessId"])
        if not record["NextEntryOffset"]:
            break
        offset += record["NextEntryOffset"]
    assert pids == [0, 4, a.process.pid, b.process.pid]


# ---- two Systems ----------------------------------------------------------------------------------------------

def test_two_systems_share_nothing(tmp_path: Path) -> None:
    one = System(tmp_path / "one", StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO()))
    two = System(tmp_path / "two", StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO()))
    assert one.namespace is not two.namespace and one.volume is not two.volume
    assert one.services is not two.services
    assert new_thread(one).process.pid == new_thread(two).process.pid == FIRST_CLIENT_ID  # allocators of their own


def rig_event(rig: Wow64Rig, call: str, name: str) -> int:
    """NtCreateEvent or NtOpenEvent of a named event through the WoW64 path; the status."""
    oa = object_attributes32(rig, DATA + 0x400, unicode_string32(rig, DATA + 0x200, name))
    extra = (0, 0) if call == "NtCreateEvent" else ()
    return rig.call(call, DATA + 0x100, EVENT_ALL_ACCESS, oa, *extra).exit_status


def test_programs_of_two_systems_run_interleaved_and_share_nothing(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = Wow64Rig(tmp_path / "a"), Wow64Rig(tmp_path / "b")
    assert a.machine.system is not b.machine.system
    assert rig_event(a, "NtCreateEvent", "\\BaseNamedObjects\\mine") == NTSTATUS.SUCCESS
    assert rig_event(b, "NtOpenEvent", "\\BaseNamedObjects\\mine") == NTSTATUS.OBJECT_NAME_NOT_FOUND
    assert rig_event(b, "NtCreateEvent", "\\BaseNamedObjects\\mine") == NTSTATUS.SUCCESS
    assert rig_event(a, "NtOpenEvent", "\\BaseNamedObjects\\mine") == NTSTATUS.SUCCESS
    assert rig_event(a, "NtCreateEvent", "\\BaseNamedObjects\\mine") == NTSTATUS.OBJECT_NAME_COLLISION
    assert a.machine.process.pid == b.machine.process.pid  # each System numbers its own processes
    assert a.machine.process.memory is not b.machine.process.memory


# ---- waits return to the scheduler ----------------------------------------------------------------------------

def test_a_wait_is_a_wait_block_on_the_thread_not_a_sleep_in_the_service(tmp_path: Path) -> None:
    k = kernel_rig(tmp_path)
    k.process.memory.poke(BUF, struct.pack("<q", -5_000_000))  # half a second, relative
    services = k.system.services
    _, delay = services.lookup(by_name()["NtDelayExecution"].number)
    start = time.monotonic()
    assert services.dispatch(delay, k.thread, [0, BUF]) == NTSTATUS.PENDING
    assert time.monotonic() - start < 0.1  # the service returned at once
    wait = k.thread.wait
    assert wait is not None and wait.call == "NtDelayExecution" and wait.deadline is not None
    assert k.system.scheduler.finish_wait(k.thread) == NTSTATUS.SUCCESS  # the scheduler waits it out
    assert time.monotonic() - start >= 0.49 and k.thread.wait is None


def test_a_sleeping_program_leaves_the_cpu_while_it_waits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.oracle import FIXTURES
    from wow64emu.kernel.scheduler import Scheduler
    from wow64emu.machine import Machine

    waits = []
    sleep = Scheduler._sleep_until

    def recorded(self: Scheduler, deadline: float) -> None:
        waits.append([t.wait.call for t in self.threads() if t.wait is not None])
        sleep(self, deadline)

    monkeypatch.setattr(Scheduler, "_sleep_until", recorded)
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(FIXTURES / "bin" / "x86" / "sleeper.exe", ["200"], root=tmp_path, streams=streams)
    runs = []
    run = machine.cpu.run
    monkeypatch.setattr(machine.cpu, "run", lambda *a, **kw: runs.append(run(*a, **kw)) or runs[-1])
    assert machine.run(timeout=30).exit_status == 0
    assert waits == [["NtDelayExecution"]]  # the host slept once, for the one thread's delay
    assert [r.reason for r in runs] == ["stopped", "stopped"]  # the wait, then the end of the process
    assert streams.stdout.getvalue() == b"slept\n"


# ---- the CPU and physical memory --------------------------------------------------------------------------------

def test_the_unicorn_cpu_is_a_cpu_backend(tmp_path: Path) -> None:
    from wow64emu.emu.cpu.backend import CpuBackend

    assert isinstance(kernel_rig(tmp_path).process.cpu, CpuBackend)


def test_frames_code_ran_from_come_back_only_after_every_cpu_dropped_that_code(tmp_path: Path) -> None:
    from wow64emu.emu.memory import MemType, Prot

    k = kernel_rig(tmp_path)
    other = KernelRig(new_thread(k.system))  # a second CPU in the System
    physical, space = k.system.physical, k.process.memory
    space.map_committed(0x500000, 0x1000, MemType.PRIVATE, Prot.EXECUTE_READ)
    space.map_committed(0x600000, 0x1000, MemType.PRIVATE, Prot.READWRITE)
    code, data = space.frame_of(0x500000), space.frame_of(0x600000)
    space.release(space.region_at(0x500000))
    space.release(space.region_at(0x600000))
    assert physical.quarantined and physical.executable[code]
    assert physical.allocate() == data  # a data frame is used again at once, the code frame is not
    flushed = []
    for cpu in (k.process.cpu, other.process.cpu):
        cpu.flush_code = lambda cpu=cpu: flushed.append(cpu)  # type: ignore[method-assign]
    k.system.recycle_frames()
    assert flushed == [k.process.cpu, other.process.cpu] and not physical.quarantined
    assert physical.allocate() == code and not physical.executable[code]
