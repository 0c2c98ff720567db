"""Shared fixtures: a fresh process per test, with a scratch page of guest memory for arguments."""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.oracle import Coverage
from wow64emu.emu.memory import MemType, Prot
from wow64emu.emu.process import Process, StdStreams
from wow64emu.nt.syscalls import by_name

SCRATCH = 0x10000


@dataclass
class KernelRig:
    """A process whose kernel services are called directly, as a 64-bit syscall would call them."""

    process: Process

    def call(self, name: str, *args: int) -> int:
        _, service = self.process.kernel.lookup(by_name()[name].number)
        return self.process.kernel.dispatch(service, list(args))

    def u64(self, addr: int) -> int:
        return struct.unpack("<Q", bytes(self.process.uc.mem_read(addr, 8)))[0]

    def put_u64(self, addr: int, value: int) -> None:
        self.process.uc.mem_write(addr, struct.pack("<Q", value))


@pytest.fixture
def kernel(tmp_path: Path) -> KernelRig:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    process = Process(root=tmp_path, streams=streams)
    process.memory.map_committed(SCRATCH, 0x1000, MemType.PRIVATE, Prot.READWRITE, "scratch")
    return KernelRig(process)


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
