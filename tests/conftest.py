"""Shared fixtures: a fresh process per test, with a scratch page of guest memory for arguments."""

from __future__ import annotations

import io
import signal
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.oracle import Coverage
from wow64emu.emu.memory import MemType, Prot
from wow64emu.kernel.console import StdStreams
from wow64emu.kernel.process import Process
from wow64emu.kernel.system import System
from wow64emu.kernel.threadobject import Thread
from wow64emu.kernel.waits import REDO
from wow64emu.nt.syscalls import by_name

SCRATCH = 0x10000


@dataclass
class KernelRig:
    """A thread whose kernel services are called directly, as its 64-bit syscall would call them."""

    thread: Thread

    @property
    def process(self) -> Process:
        return self.thread.process

    @property
    def system(self) -> System:
        return self.thread.process.system

    def call(self, name: str, *args: int) -> int:
        """The status the call returns to its thread: after the wait, when the service makes the thread wait."""
        services = self.system.services
        _, service = services.lookup(by_name()[name].number)
        while True:
            status = services.dispatch(service, self.thread, list(args))
            if self.thread.wait is not None:
                status = self.system.scheduler.finish_wait(self.thread)
            if status != REDO:  # a wait that redoes its call (waits.RestartWait): the syscall again
                return status

    def u64(self, addr: int) -> int:
        return struct.unpack("<Q", self.process.memory.peek(addr, 8))[0]

    def put_u64(self, addr: int, value: int) -> None:
        self.process.memory.poke(addr, struct.pack("<Q", value))


class CallCounter:
    """How many times a function of a module is called while a test lasts (put in its place with monkeypatch)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> None:
        self.calls = 0
        original = getattr(owner, name)

        def counting(*args: object, **kwargs: object) -> object:
            self.calls += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, counting)


def new_thread(system: System, *, wow64: bool = True) -> Thread:
    """A new process of the System, with one thread (running), and a scratch page at SCRATCH."""
    process = system.create_process(wow64=wow64)
    thread = process.running = process.create_thread()
    process.memory.map_committed(SCRATCH, 0x1000, MemType.PRIVATE, Prot.READWRITE, "scratch")
    return thread


def kernel_rig(root: Path, *, wow64: bool = True, stdin: bytes = b"") -> KernelRig:
    """A new System on `root` with one process (WoW64 unless asked) and its thread."""
    system = System(root, StdStreams(io.BytesIO(stdin), io.BytesIO(), io.BytesIO()))
    return KernelRig(new_thread(system, wow64=wow64))


@pytest.fixture
def kernel(tmp_path: Path) -> KernelRig:
    return kernel_rig(tmp_path)


# ---- the differential oracle's coverage of the syscall table -------------------------------------------------

COVERAGE = pytest.StashKey[Coverage]()


@pytest.fixture(scope="session")
def oracle_coverage(request: pytest.FixtureRequest) -> Coverage:
    coverage = Coverage()
    request.config.stash[COVERAGE] = coverage
    return coverage


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    coverage = config.stash.get(COVERAGE, None)
    if coverage is None:
        return
    terminalreporter.section("syscall table coverage by the differential oracle (x86 runs)")
    for line in coverage.report():
        terminalreporter.write_line(line)
    missing = coverage.missing()
    if coverage.complete() and missing:
        terminalreporter.write_line("FAILED: declared calls the oracle scenarios do not reach:", red=True)
        for line in missing:
            terminalreporter.write_line(f"  {line}", red=True)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    coverage = session.config.stash.get(COVERAGE, None)
    if coverage is not None and coverage.complete() and coverage.missing() and exitstatus == 0:
        session.exitstatus = 1


@pytest.fixture
def python_sigint() -> Iterator[None]:
    """Python's own SIGINT handler for the test (what stop_on_interrupt takes over), even in a test run that
    ignores SIGINT."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
