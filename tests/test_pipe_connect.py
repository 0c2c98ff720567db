"""A named pipe's server side: at the kernel (wow64emu/kernel/pipes.py), FSCTL_PIPE_LISTEN (ConnectNamedPipe),
FSCTL_PIPE_DISCONNECT (DisconnectNamedPipe) and FSCTL_PIPE_WAIT (WaitNamedPipe), each thread's call made as its
`syscall` makes it, its waits tried as the scheduler tries them; and kernel32's functions, from a program built as
users build it, in both widths."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.test_kernel_files import RW, Rig, make_rig
from tests.test_kernel_pipes import create_pipe
from tests.test_pipe_waits import start, tried
from tests.toolchain import build_and_run
from wow64emu.kernel import files as F
from wow64emu.kernel.waits import REDO
from wow64emu.nt.fsctl import FSCTL_PIPE_DISCONNECT, FSCTL_PIPE_LISTEN, FSCTL_PIPE_WAIT
from wow64emu.nt.status import NTSTATUS

NAME = "\\??\\pipe\\served"
NOWAIT = 1  # CompletionMode FILE_PIPE_COMPLETE_OPERATION


@pytest.fixture
def rig(tmp_path: Path) -> Rig:
    return make_rig(tmp_path)


def control(rig: Rig, handle: int, code: int, data: bytes = b"", thread: object = None) -> int:
    args = (handle, 0, 0, 0, rig.iosb(), code, rig.put(data) if data else 0, len(data), 0, 0)
    return rig.call("NtFsControlFile", *args) if thread is None else start(rig, thread, "NtFsControlFile", *args)


def connect(rig: Rig) -> int:
    status, client, _ = rig.create(NAME, RW, F.FILE_OPEN)
    assert status == NTSTATUS.SUCCESS, NTSTATUS.name_of(status)
    return client


def test_a_listen_waits_for_the_client_and_then_says_who_is_there(rig: Rig) -> None:
    server = create_pipe(rig, NAME)[1]
    listener = rig.process.create_thread()
    assert control(rig, server, FSCTL_PIPE_LISTEN, thread=listener) == NTSTATUS.PENDING
    assert tried(rig, listener) is None
    client = connect(rig)
    assert tried(rig, listener) == REDO
    assert control(rig, server, FSCTL_PIPE_LISTEN, thread=listener) == NTSTATUS.SUCCESS  # the listen, done again
    assert control(rig, server, FSCTL_PIPE_LISTEN) == NTSTATUS.PIPE_CONNECTED  # a new one
    rig.call("NtClose", client)
    assert control(rig, server, FSCTL_PIPE_LISTEN) == NTSTATUS.PIPE_CLOSING


def test_a_disconnect_cuts_the_client_off_until_the_server_listens_again(rig: Rig) -> None:
    server = create_pipe(rig, NAME)[1]
    client = connect(rig)
    assert rig.write(client, b"lost")[0] == NTSTATUS.SUCCESS
    assert control(rig, client, FSCTL_PIPE_LISTEN) == NTSTATUS.ILLEGAL_FUNCTION
    assert control(rig, client, FSCTL_PIPE_DISCONNECT) == NTSTATUS.ILLEGAL_FUNCTION
    assert control(rig, server, FSCTL_PIPE_DISCONNECT) == NTSTATUS.SUCCESS
    assert rig.read_file(client, 4)[0] == NTSTATUS.PIPE_DISCONNECTED
    assert rig.write(client, b"late")[0] == NTSTATUS.PIPE_DISCONNECTED
    assert rig.read_file(server, 4)[0] == NTSTATUS.PIPE_DISCONNECTED  # what the client wrote went with it
    assert rig.create(NAME, RW, F.FILE_OPEN)[0] == NTSTATUS.PIPE_NOT_AVAILABLE  # not listening
    assert control(rig, server, FSCTL_PIPE_DISCONNECT) == NTSTATUS.PIPE_DISCONNECTED
    listener = rig.process.create_thread()
    assert control(rig, server, FSCTL_PIPE_LISTEN, thread=listener) == NTSTATUS.PENDING
    second = connect(rig)
    assert tried(rig, listener) == REDO
    assert control(rig, server, FSCTL_PIPE_LISTEN, thread=listener) == NTSTATUS.SUCCESS
    assert rig.write(second, b"anew")[0] == NTSTATUS.SUCCESS
    assert rig.read_file(server, 8)[3][:4] == b"anew"
    rig.call("NtClose", client)  # the old client's close leaves the new connection alone
    assert rig.write(server, b"back")[0] == NTSTATUS.SUCCESS
    assert rig.read_file(second, 8)[3][:4] == b"back"


def test_a_disconnect_ends_a_listen_that_waits_and_a_nowait_end_never_waits(rig: Rig) -> None:
    server = create_pipe(rig, NAME)[1]
    listener = rig.process.create_thread()
    assert control(rig, server, FSCTL_PIPE_LISTEN, thread=listener) == NTSTATUS.PENDING
    assert control(rig, server, FSCTL_PIPE_DISCONNECT) == NTSTATUS.SUCCESS  # it was listening
    assert tried(rig, listener) == REDO
    assert control(rig, server, FSCTL_PIPE_LISTEN, thread=listener) == NTSTATUS.PIPE_DISCONNECTED
    nowait = create_pipe(rig, "\\??\\pipe\\quick", mode=0)[1]
    pipe_information = 23
    assert rig.set_info(nowait, pipe_information, struct.pack("<II", 0, NOWAIT))[0] == NTSTATUS.SUCCESS
    assert control(rig, nowait, FSCTL_PIPE_LISTEN) == NTSTATUS.PIPE_LISTENING


def test_the_instances_of_a_name_agree_and_a_closed_server_ends_its_listen(rig: Rig) -> None:
    server = create_pipe(rig, NAME, instances=2)[1]
    handle_out = rig.put(b"\0" * 8)
    inbound_only = rig.call("NtCreateNamedPipeFile", handle_out, RW | 0x100000, rig.oa(NAME), rig.iosb(), 2,
                            F.FILE_OPEN_IF, 0x20, 0, 0, 0, 2, 0, 0, rig.offset(-1))  # FILE_SHARE_WRITE alone
    assert inbound_only == NTSTATUS.ACCESS_DENIED  # not the directions of the first instance
    messages_of_bytes = rig.call("NtCreateNamedPipeFile", handle_out, RW | 0x100000, rig.oa("\\??\\pipe\\m"),
                                 rig.iosb(), 3, F.FILE_CREATE, 0x20, 0, 1, 0, 1, 0, 0, rig.offset(-1))
    assert messages_of_bytes == NTSTATUS.INVALID_PARAMETER
    listener = rig.process.create_thread()
    assert control(rig, server, FSCTL_PIPE_LISTEN, thread=listener) == NTSTATUS.PENDING
    rig.call("NtClose", server)
    assert tried(rig, listener) == REDO  # and done again, its handle is gone
    assert control(rig, server, FSCTL_PIPE_LISTEN, thread=listener) == NTSTATUS.INVALID_HANDLE


def test_every_wait_an_instance_wakes_succeeds(rig: Rig) -> None:
    root = rig.open("\\Device\\NamedPipe\\")
    server = create_pipe(rig, NAME)[1]
    connect(rig)
    waiters = [rig.process.create_thread() for _ in range(2)]
    for waiter in waiters:
        assert control(rig, root, FSCTL_PIPE_WAIT, wait_buffer("served", -10_000_000), thread=waiter) == \
            NTSTATUS.PENDING
    assert control(rig, server, FSCTL_PIPE_DISCONNECT) == NTSTATUS.SUCCESS
    assert control(rig, server, FSCTL_PIPE_LISTEN, thread=rig.process.create_thread()) == NTSTATUS.PENDING
    assert [tried(rig, waiter) for waiter in waiters] == [REDO, REDO]
    assert control(rig, root, FSCTL_PIPE_WAIT, wait_buffer("served", -10_000_000), thread=waiters[0]) == \
        NTSTATUS.SUCCESS
    connect(rig)  # the first waiter's client takes the instance
    assert control(rig, root, FSCTL_PIPE_WAIT, wait_buffer("served", -10_000_000), thread=waiters[1]) == \
        NTSTATUS.SUCCESS  # woken too; its open finds the pipe busy
    assert rig.create(NAME, RW, F.FILE_OPEN)[0] == NTSTATUS.PIPE_NOT_AVAILABLE


def wait_buffer(name: str, timeout: int | None) -> bytes:
    """FILE_PIPE_WAIT_FOR_BUFFER: Timeout, NameLength, TimeoutSpecified, the name."""
    encoded = name.encode("utf-16-le")
    return struct.pack("<qIB", timeout or 0, len(encoded), timeout is not None) + b"\0" + encoded


def test_a_wait_for_an_instance(rig: Rig) -> None:
    root = rig.open("\\Device\\NamedPipe\\")
    assert control(rig, root, FSCTL_PIPE_WAIT, wait_buffer("served", None)) == NTSTATUS.OBJECT_NAME_NOT_FOUND
    server = create_pipe(rig, NAME)[1]
    assert control(rig, root, FSCTL_PIPE_WAIT, wait_buffer("SERVED", None)) == NTSTATUS.SUCCESS  # it listens
    client = connect(rig)
    assert control(rig, root, FSCTL_PIPE_WAIT, wait_buffer("served", -100_000)) == NTSTATUS.IO_TIMEOUT  # 10 ms
    assert control(rig, root, FSCTL_PIPE_WAIT, wait_buffer("served", -1)) == NTSTATUS.IO_TIMEOUT  # gone at once
    waiter = rig.process.create_thread()
    assert control(rig, root, FSCTL_PIPE_WAIT, wait_buffer("served", -10_000_000), thread=waiter) == NTSTATUS.PENDING
    assert tried(rig, waiter) is None
    rig.call("NtClose", client)
    assert control(rig, server, FSCTL_PIPE_DISCONNECT) == NTSTATUS.SUCCESS
    assert control(rig, server, FSCTL_PIPE_LISTEN, thread=rig.process.create_thread()) == NTSTATUS.PENDING
    assert tried(rig, waiter) == REDO
    assert control(rig, root, FSCTL_PIPE_WAIT, wait_buffer("served", -10_000_000), thread=waiter) == NTSTATUS.SUCCESS
    assert control(rig, root, FSCTL_PIPE_WAIT, b"\0" * 13) == NTSTATUS.INVALID_PARAMETER
    assert control(rig, root, FSCTL_PIPE_WAIT, wait_buffer("served", None)[:-2]) == NTSTATUS.INVALID_PARAMETER
    assert control(rig, server, FSCTL_PIPE_WAIT, wait_buffer("served", None)) == NTSTATUS.INVALID_DEVICE_REQUEST


# A server (the main thread) and its client (a thread of its own), as a user writes them. The client's results are
# printed by the main thread, in one order whichever thread runs first.
PROGRAM = r"""#include <stdio.h>
#include <windows.h>

#define NAME "\\\\.\\pipe\\wow64emu-demo"

static HANDLE checked, disconnected;
static BOOL waited, opened, busy_wait;
static DWORD busy_error, late_error;
static char reply[16];
static DWORD reply_length;

static DWORD WINAPI client(LPVOID unused)
{
    DWORD n;
    HANDLE pipe;

    (void)unused;
    waited = WaitNamedPipeA(NAME, NMPWAIT_WAIT_FOREVER);
    pipe = CreateFileA(NAME, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    opened = pipe != INVALID_HANDLE_VALUE;
    WriteFile(pipe, "ping", 4, &n, NULL);
    ReadFile(pipe, reply, sizeof reply, &reply_length, NULL);
    busy_wait = WaitNamedPipeA(NAME, 20);
    busy_error = GetLastError();
    SetEvent(checked);
    WaitForSingleObject(disconnected, INFINITE);
    SetLastError(0xBEEF);
    if (!ReadFile(pipe, reply + 8, 4, &n, NULL))
        late_error = GetLastError();
    CloseHandle(pipe);
    return 0;
}

int main(void)
{
    char buf[16];
    DWORD n = 0;
    BOOL ok;
    HANDLE thread, pipe = CreateNamedPipeA(NAME, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT, 1, 512, 512, 0,
                                           NULL);

    printf("CreateNamedPipe %d\n", pipe != INVALID_HANDLE_VALUE);
    ok = WaitNamedPipeA("\\\\.\\pipe\\nosuch", 10);
    printf("WaitNamedPipe of no pipe %d %lu\n", ok, GetLastError());
    checked = CreateEventA(NULL, FALSE, FALSE, NULL);
    disconnected = CreateEventA(NULL, FALSE, FALSE, NULL);
    thread = CreateThread(NULL, 0, client, NULL, 0, NULL);
    ok = ConnectNamedPipe(pipe, NULL);
    printf("ConnectNamedPipe %d\n", ok || GetLastError() == ERROR_PIPE_CONNECTED);
    ReadFile(pipe, buf, 4, &n, NULL);
    printf("server read %.*s\n", (int)n, buf);
    WriteFile(pipe, "pong", 4, &n, NULL);
    WaitForSingleObject(checked, INFINITE);
    ok = ConnectNamedPipe(pipe, NULL);
    printf("ConnectNamedPipe again %d %lu\n", ok, GetLastError());
    printf("DisconnectNamedPipe %d\n", DisconnectNamedPipe(pipe));
    SetEvent(disconnected);
    WaitForSingleObject(thread, INFINITE);
    printf("client: waited %d opened %d read %.*s\n", waited, opened, (int)reply_length, reply);
    printf("client: WaitNamedPipe while busy %d %lu\n", busy_wait, busy_error);
    printf("client: read after the disconnect %lu\n", late_error);
    ok = DisconnectNamedPipe(pipe);
    printf("DisconnectNamedPipe again %d %lu\n", ok, GetLastError());
    ok = CreateNamedPipeA(NAME, PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE, 0, 1, 0, 0, 0, NULL)
         != INVALID_HANDLE_VALUE;
    printf("another first instance %d %lu\n", ok, GetLastError());
    ok = CreateNamedPipeA(NAME, PIPE_ACCESS_DUPLEX, 0, 0, 0, 0, 0, NULL) != INVALID_HANDLE_VALUE;
    printf("no instances %d %lu\n", ok, GetLastError());
    ok = WaitNamedPipeA("C:\\notapipe", 10);
    printf("WaitNamedPipe of a file %d %lu\n", ok, GetLastError());
    ok = CreateNamedPipeA("\\\\.\\pipe\\messages", PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 1, 0,
                          0, 0, NULL) != INVALID_HANDLE_VALUE;
    printf("a message-type pipe %d %lu\n", ok, GetLastError());
    ok = CreateNamedPipeA("\\\\.\\pipe\\bytes", PIPE_ACCESS_DUPLEX, PIPE_READMODE_MESSAGE, 1, 0, 0, 0, NULL)
         != INVALID_HANDLE_VALUE;
    printf("a byte-type pipe read as messages %d %lu\n", ok, GetLastError());
    return 0;
}
"""

EXPECTED = """CreateNamedPipe 1
WaitNamedPipe of no pipe 0 2
ConnectNamedPipe 1
server read ping
ConnectNamedPipe again 0 535
DisconnectNamedPipe 1
client: waited 1 opened 1 read pong
client: WaitNamedPipe while busy 0 121
client: read after the disconnect 233
DisconnectNamedPipe again 0 233
another first instance 0 5
no instances 0 87
WaitNamedPipe of a file 0 161
a message-type pipe 0 50
a byte-type pipe read as messages 0 87
"""


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_a_named_pipe_server_and_its_client_built_as_users_build_them(tmp_path: Path, width: str) -> None:
    # ERROR_FILE_NOT_FOUND for a name no server made, ERROR_PIPE_CONNECTED (535) when a client is there already,
    # ERROR_SEM_TIMEOUT (121) when no instance listens in time, ERROR_PIPE_NOT_CONNECTED (233) after the
    # disconnect, ERROR_ACCESS_DENIED for another FILE_FLAG_FIRST_PIPE_INSTANCE, ERROR_BAD_PATHNAME (161) for a name
    # that is not a pipe's, ERROR_NOT_SUPPORTED (50) for message-type pipes (not served yet), ERROR_INVALID_PARAMETER
    # for messages read from a byte-type pipe.
    ran = build_and_run(PROGRAM, tmp_path, width, name="pipes")
    assert (ran.status, ran.stdout.replace("\r\n", "\n"), ran.stderr) == (0, EXPECTED, "")
