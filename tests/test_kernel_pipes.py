"""Pipes in the kernel (wow64emu/kernel/pipes.py): NtCreateNamedPipeFile, the client's open, reads and writes
through both directions, and the statuses of a pipe whose other end is missing or gone."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.test_kernel_files import RW, SENTINEL, SYNC, Rig, make_rig
from wow64emu.kernel import fileobject as O
from wow64emu.kernel import files as F
from wow64emu.kernel.handles import HANDLE_CHARGE
from wow64emu.kernel.waits import WaitForever
from wow64emu.nt.status import NTSTATUS

FileFsDeviceInformation = 4


@pytest.fixture
def rig(tmp_path: Path) -> Rig:
    return make_rig(tmp_path)


def create_pipe(rig: Rig, name: str | None, root: int = 0, disposition: int = F.FILE_CREATE, instances: int = 1,
                quota: int = 0, mode: int = 0) -> tuple[int, int]:
    """NtCreateNamedPipeFile; (status, handle or the sentinel)."""
    handle_out = rig.put(struct.pack("<Q", SENTINEL))
    status = rig.call("NtCreateNamedPipeFile", handle_out, O.GENERIC_READ | O.GENERIC_WRITE | O.SYNCHRONIZE,
                      rig.oa(name, root), rig.iosb(), 3, disposition, SYNC, mode, mode, 0, instances, quota, quota,
                      rig.offset(-1200000000))
    return status, rig.u64(handle_out)


def anonymous(rig: Rig, quota: int = 0) -> tuple[int, int]:
    """CreatePipe's way: (read end, write end)."""
    root = rig.open("\\Device\\NamedPipe\\")
    status, server = create_pipe(rig, "", root=root, quota=quota)
    assert status == NTSTATUS.SUCCESS, NTSTATUS.name_of(status)
    assert rig.call("NtClose", root) == NTSTATUS.SUCCESS
    status, client, _ = rig.create("", O.GENERIC_WRITE | O.SYNCHRONIZE, F.FILE_OPEN, SYNC, root=server)
    assert status == NTSTATUS.SUCCESS, NTSTATUS.name_of(status)
    return server, client


def test_an_anonymous_pipe_carries_bytes_and_reads_take_what_there_is(rig: Rig) -> None:
    read_end, write_end = anonymous(rig)
    assert rig.write(write_end, b"through the pipe\n") == (NTSTATUS.SUCCESS, NTSTATUS.SUCCESS, 17)
    assert rig.write(write_end, b"more") == (NTSTATUS.SUCCESS, NTSTATUS.SUCCESS, 4)
    status, _, got, data = rig.read_file(read_end, 10)
    assert (status, got, data) == (NTSTATUS.SUCCESS, 10, b"through th")
    status, _, got, data = rig.read_file(read_end, 100)
    assert (status, got, data[:got]) == (NTSTATUS.SUCCESS, 11, b"e pipe\nmore")


def test_the_writer_gone_the_reader_gets_the_rest_then_pipe_broken(rig: Rig) -> None:
    read_end, write_end = anonymous(rig)
    rig.write(write_end, b"last words")
    assert rig.call("NtClose", write_end) == NTSTATUS.SUCCESS
    assert rig.read_file(read_end, 64)[2] == 10
    status, iosb_status, got, _ = rig.read_file(read_end, 64)
    assert status == NTSTATUS.PIPE_BROKEN
    assert (iosb_status, got) == (SENTINEL, SENTINEL)  # a failure writes no IO_STATUS_BLOCK


def test_a_write_after_the_reader_closed_is_pipe_closing(rig: Rig) -> None:
    read_end, write_end = anonymous(rig)
    rig.call("NtClose", read_end)
    assert rig.write(write_end, b"anyone?")[0] == NTSTATUS.PIPE_CLOSING


def test_a_read_of_an_empty_pipe_with_its_writer_open_is_a_wait_nothing_can_end(rig: Rig) -> None:
    read_end, _ = anonymous(rig)
    with pytest.raises(WaitForever, match="reads from an empty pipe"):
        rig.read_file(read_end, 1)


def test_a_write_past_the_quota_waits_for_a_reader_there_is_none_of(rig: Rig) -> None:
    read_end, write_end = anonymous(rig, quota=16)
    assert rig.write(write_end, b"x" * 16)[0] == NTSTATUS.SUCCESS
    with pytest.raises(WaitForever, match="had room for 0"):
        rig.write(write_end, b"y")


def test_a_pipe_is_a_named_pipe_device_to_getfiletype(rig: Rig) -> None:
    read_end, _ = anonymous(rig)
    iosb, buf = rig.iosb(), rig.alloc(8)
    assert rig.call("NtQueryVolumeInformationFile", read_end, iosb, buf, 8, FileFsDeviceInformation) == 0
    assert struct.unpack("<II", rig.read(buf, 8)) == (0x11, 0)  # FILE_DEVICE_NAMED_PIPE


def test_a_named_pipe_connects_one_client_per_instance(rig: Rig) -> None:
    status, server = create_pipe(rig, "\\??\\pipe\\Demo", instances=1)
    assert status == NTSTATUS.SUCCESS
    assert create_pipe(rig, "\\Device\\NamedPipe\\demo", disposition=F.FILE_OPEN_IF)[0] == \
        NTSTATUS.INSTANCE_NOT_AVAILABLE
    assert create_pipe(rig, "\\Device\\NamedPipe\\DEMO")[0] == NTSTATUS.ACCESS_DENIED  # FILE_CREATE: it exists
    assert rig.read_file(server, 4)[0] == NTSTATUS.PIPE_LISTENING  # no client yet
    status, client, _ = rig.create("\\??\\pipe\\demo", RW, F.FILE_OPEN)
    assert status == NTSTATUS.SUCCESS
    assert rig.create("\\??\\pipe\\demo", RW, F.FILE_OPEN)[0] == NTSTATUS.PIPE_NOT_AVAILABLE
    rig.write(client, b"ping")
    rig.write(server, b"pong")
    assert rig.read_file(server, 8)[3][:4] == b"ping"
    assert rig.read_file(client, 8)[3][:4] == b"pong"
    rig.call("NtClose", server)
    assert rig.create("\\??\\pipe\\demo", RW, F.FILE_OPEN)[0] == NTSTATUS.OBJECT_NAME_NOT_FOUND


@pytest.mark.parametrize("name", ["\\??\\pipe\\", "\\Device\\NamedPipe\\a\\b"])
def test_a_pipe_needs_a_simple_name(rig: Rig, name: str) -> None:
    assert create_pipe(rig, name)[0] == NTSTATUS.OBJECT_NAME_INVALID


def test_a_message_mode_pipe_is_refused_as_not_supported(rig: Rig) -> None:
    assert create_pipe(rig, "\\??\\pipe\\msg", mode=1)[0] == NTSTATUS.NOT_SUPPORTED


def test_a_pipe_relative_to_a_file_handle_is_an_object_type_mismatch(rig: Rig) -> None:
    file = rig.open("\\??\\C:\\f.txt")
    assert create_pipe(rig, "", root=file)[0] == NTSTATUS.OBJECT_TYPE_MISMATCH


def test_what_a_pipe_holds_counts_against_the_commit_limit(rig: Rig) -> None:
    """A guest cannot fill the host's memory with pipes: their bytes are charged as committed memory is."""
    physical = rig.system.physical
    read_end, write_end = anonymous(rig)
    base = physical.committed
    physical.commit_limit = base + 3000
    assert rig.write(write_end, b"a" * 2000)[0] == NTSTATUS.SUCCESS
    assert physical.committed == base + 2000
    assert rig.write(write_end, b"b" * 2000)[0] == NTSTATUS.COMMITMENT_LIMIT
    assert rig.read_file(read_end, 1500)[2] == 1500
    assert physical.committed == base + 500
    assert rig.write(write_end, b"c" * 2000)[0] == NTSTATUS.SUCCESS
    rig.call("NtClose", read_end)  # what was never read goes with its reader, and so does its charge
    assert physical.committed == base - HANDLE_CHARGE  # and the handle's own
