"""NtCreateUserProcess: a new process and its first thread, from an image file and the caller's parameters.

The kernel checks the call, reads the parameters (RTL_USER_PROCESS_PARAMETERS, nt/params.py), the attribute list
(PS_ATTRIBUTE_LIST: the image's NT name in, the client id and the TEB out; the standard handles' rule) and the image's
first headers; making the process from the image is the loader's (the System's `spawn` hook, which the Machine
sets: the kernel does not import the loader). What the kernel gives the child itself: the handles it inherits, its
standard handles, its console connection, the job it joins.

Windows' behaviour, and the choices made here:
- The image name is required (STATUS_INVALID_PARAMETER without it), an NT path on C: (kernel/paths.py). A name that
  names nothing is STATUS_OBJECT_NAME_NOT_FOUND (or the path's own status, OBJECT_PATH_NOT_FOUND...), a directory
  STATUS_ACCESS_DENIED, a file without the MZ signature STATUS_INVALID_IMAGE_NOT_MZ, a PE of another machine than
  x86 or x64, or a DLL, STATUS_INVALID_IMAGE_FORMAT: PS_CREATE_INFO.State says at which step it failed.
- A child whose imports cannot be bound exists and ends at once with the loader's status (STATUS_DLL_NOT_FOUND,
  STATUS_ENTRYPOINT_NOT_FOUND, STATUS_ORDINAL_NOT_FOUND): on Windows its own ntdll ends it while it initializes,
  after CreateProcess has succeeded.
- PROCESS_CREATE_FLAGS_INHERIT_HANDLES: every handle of the parent opened with OBJ_INHERIT is in the child's table
  at the same value, with the same access and attributes, before the child's own handles.
- The standard handles in the parameters: with PS_ATTRIBUTE_STD_HANDLE_INFO (kernel32 asks for it when STARTUPINFO
  does not give the handles) each is duplicated into the child unless inherited already at that value; otherwise
  the values are the child's as they are (valid there when inherited). A value that names nothing in the parent
  gives the child a new handle on the console.
- A child joins its parent's job unless it breaks away (CREATE_BREAKAWAY_FROM_JOB where the job allows it, or a job
  with JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK; jobs.py); a job at its active-process limit fails the creation with
  STATUS_QUOTA_EXCEEDED.
- The first thread starts suspended with THREAD_CREATE_FLAGS_CREATE_SUSPENDED (kernel32 always asks, then resumes
  it), and is run by the scheduler like any new thread.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..log import getLogger
from ..nt.params import PARAMS64, STARTF_USESTDHANDLES, ProcessParameters, read_params
from ..nt.status import NTSTATUS
from .console import connect, create_std_handles
from .errors import NtError
from .handles import handle_attributes, object_type
from .jobs import job_of_new_child, join_new_process
from .paths import resolve
from .process import Process
from .threadlife import THREAD_CREATE_FLAGS, THREAD_CREATE_FLAGS_CREATE_SUSPENDED

if TYPE_CHECKING:
    from ..emu.memory import AddressSpace
    from .system import System
    from .threadobject import Thread

log = getLogger(__name__)

# PROCESS_CREATE_FLAGS_* (PROCESS_CREATE_FLAGS_BREAKAWAY is the job's: jobs.py)
PROCESS_CREATE_FLAGS_INHERIT_HANDLES = 0x4
PROCESS_CREATE_FLAGS = 0x3FFF  # those Windows 10 knows (breakaway, no debug inherit, inherit handles, ...)

# PS_ATTRIBUTE values: the number, with PS_ATTRIBUTE_THREAD (0x10000), INPUT (0x20000), ADDITIVE (0x40000)
PS_ATTRIBUTE_PARENT_PROCESS = 0x60000
PS_ATTRIBUTE_CLIENT_ID = 0x10003
PS_ATTRIBUTE_TEB_ADDRESS = 0x10004
PS_ATTRIBUTE_IMAGE_NAME = 0x20005
PS_ATTRIBUTE_STD_HANDLE_INFO = 0x2000A
PS_ATTRIBUTE_SIZE = 0x20  # 64-bit PS_ATTRIBUTE: Attribute, Size, Value, ReturnLength
MAX_ATTRIBUTES = 32

# PS_CREATE_INFO (64-bit: 0x58 bytes); State
PS_CREATE_INFO_SIZE = 0x58
PS_CREATE_FAIL_ON_FILE_OPEN = 1
PS_CREATE_FAIL_ON_SECTION_CREATE = 2
PS_CREATE_FAIL_EXE_FORMAT = 3
PS_CREATE_FAIL_MACHINE_MISMATCH = 4
PS_CREATE_SUCCESS = 6

IMAGE_FILE_MACHINE_I386 = 0x14C
IMAGE_FILE_MACHINE_AMD64 = 0x8664
IMAGE_FILE_DLL = 0x2000


@dataclass
class SpawnRequest:
    """What the loader needs to make a child (System.spawn): its image, parameters and handles' rules."""

    parent: Thread
    image: Path  # the host file
    image_path: str  # its Win32 path, as the child knows it (C:\\...)
    params: ProcessParameters
    inherit_handles: bool
    duplicate_std: bool
    failure: int | None = field(default=None)  # set by the loader: the status the child ended with at once

    def child_handles(self, child: Process) -> tuple[int, tuple[int, int, int]]:
        """Fill the child's handle table: inherited handles, then its console connection and standard handles;
        returns (console connection, (stdin, stdout, stderr)) for its parameters."""
        parent = self.parent.process
        if self.inherit_handles:
            child.handles.inherit_from(parent.handles)
        console = connect(child)
        std = list(self.params.std_handles)
        fresh: tuple[int, int, int] | None = None
        for i, value in enumerate(std):
            if not self.duplicate_std and self.params.window_flags & STARTF_USESTDHANDLES:
                continue
            if value in child.handles and self.inherit_handles:
                continue
            entry = parent.handles.entry_or_none(value)
            if entry is not None:
                std[i] = child.handles.insert(entry.obj, entry.access, entry.attributes)
            else:
                fresh = fresh or create_std_handles(child)
                std[i] = fresh[i]
        return console, (std[0], std[1], std[2])


Spawn = Callable[[SpawnRequest], Process]


@dataclass(frozen=True)
class Attribute:
    number: int
    size: int
    value: int
    address: int  # of the PS_ATTRIBUTE in the caller's list


def read_attributes(thread: Thread, address: int) -> dict[int, Attribute]:
    """The PS_ATTRIBUTE_LIST at `address`: TotalLength, then the attributes (at most MAX_ATTRIBUTES)."""
    if not address:
        return {}
    memory = thread.process.memory
    total = memory.read_u64(address)
    count = (total - 8) // PS_ATTRIBUTE_SIZE
    if total < 8 or (total - 8) % PS_ATTRIBUTE_SIZE or count > MAX_ATTRIBUTES:
        raise NtError(NTSTATUS.INVALID_PARAMETER)
    raw = memory.read(address + 8, count * PS_ATTRIBUTE_SIZE)
    found = {}
    for i in range(count):
        number, size, value, _ = struct.unpack_from("<4Q", raw, i * PS_ATTRIBUTE_SIZE)
        found[number] = Attribute(number, size, value, address + 8 + i * PS_ATTRIBUTE_SIZE)
    return found


class ProcessCreateServices:
    def __init__(self, system: System) -> None:
        self.system = system

    def NtCreateUserProcess(self, thread: Thread, ProcessHandle: int, ThreadHandle: int, ProcessDesiredAccess: int,
                            ThreadDesiredAccess: int, ProcessObjectAttributes: int, ThreadObjectAttributes: int,
                            ProcessFlags: int, ThreadFlags: int, ProcessParameters: int, CreateInfo: int,
                            AttributeList: int) -> int:
        memory = thread.process.memory
        memory.probe(ProcessHandle, 8, write=True)
        memory.probe(ThreadHandle, 8, write=True)
        if ProcessFlags & ~PROCESS_CREATE_FLAGS or ThreadFlags & ~THREAD_CREATE_FLAGS or not ProcessParameters:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        memory.probe(CreateInfo, PS_CREATE_INFO_SIZE, write=True)
        if memory.read_u64(CreateInfo) != PS_CREATE_INFO_SIZE:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        attributes = read_attributes(thread, AttributeList)
        name_attribute = attributes.get(PS_ATTRIBUTE_IMAGE_NAME)
        if name_attribute is None or not name_attribute.size or name_attribute.size & 1:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        name = memory.read(name_attribute.value, name_attribute.size).decode("utf-16-le", "replace")
        params = read_params(memory, ProcessParameters, PARAMS64)
        host = self._image_file(memory, CreateInfo, name)
        request = SpawnRequest(thread, host, name[4:] if name.startswith("\\??\\") else name, params,
                               bool(ProcessFlags & PROCESS_CREATE_FLAGS_INHERIT_HANDLES),
                               PS_ATTRIBUTE_STD_HANDLE_INFO in attributes)
        spawn = self.system.spawn
        if spawn is None:
            raise NtError(NTSTATUS.NOT_SUPPORTED)
        job = job_of_new_child(thread.process, ProcessFlags)
        child = spawn(request)
        try:
            join_new_process(job, child)
        except NtError:  # the job is at its active-process limit: the child is undone and never runs
            child.terminate(NTSTATUS.QUOTA_EXCEEDED)
            del self.system.processes[child.pid]
            raise
        first = child.threads[0]
        if ThreadFlags & THREAD_CREATE_FLAGS_CREATE_SUSPENDED:
            first.suspend_count = 1
        handles = thread.process.handles
        memory.write_u64(ProcessHandle, handles.insert(child, object_type(child).grant(ProcessDesiredAccess),
                                                       handle_attributes(memory, ProcessObjectAttributes)))
        memory.write_u64(ThreadHandle, handles.insert(first, object_type(first).grant(ThreadDesiredAccess),
                                                      handle_attributes(memory, ThreadObjectAttributes)))
        _write_outputs(thread, attributes, child, first)
        params64, params32 = child.parameters
        memory.write(CreateInfo + 8, struct.pack("<I4xI4xQQQI4xQI4xQI4x", PS_CREATE_SUCCESS, 0, 0, 0, params64,
                                                 params32, child.peb64, child.peb32, 0, 0))
        return NTSTATUS.SUCCESS

    def _image_file(self, memory: AddressSpace, create_info: int, name: str) -> Path:
        """The image's host file, after the checks of its opening and of its first headers; on failure
        PS_CREATE_INFO.State says where it failed."""
        def fail(state: int, status: int) -> NtError:
            memory.write(create_info + 8, struct.pack("<I", state))
            return NtError(status)

        volume = self.system.volume
        try:
            found = resolve(volume.root, name, None, volume.reparse)
        except NtError as exc:
            raise fail(PS_CREATE_FAIL_ON_FILE_OPEN, exc.status) from None
        if not found.exists:
            raise fail(PS_CREATE_FAIL_ON_FILE_OPEN, NTSTATUS.OBJECT_NAME_NOT_FOUND)
        if found.is_dir:
            raise fail(PS_CREATE_FAIL_ON_FILE_OPEN, NTSTATUS.ACCESS_DENIED)
        try:
            with found.host.open("rb") as f:
                head = f.read(0x400)
                pe_offset = struct.unpack_from("<I", head, 0x3C)[0] if len(head) >= 0x40 else 0
                f.seek(pe_offset)
                pe = f.read(0x18)
        except OSError:
            raise fail(PS_CREATE_FAIL_ON_FILE_OPEN, NTSTATUS.ACCESS_DENIED) from None
        if head[:2] != b"MZ":
            raise fail(PS_CREATE_FAIL_ON_SECTION_CREATE, NTSTATUS.INVALID_IMAGE_NOT_MZ)
        if len(pe) < 0x18 or pe[:4] != b"PE\0\0":
            raise fail(PS_CREATE_FAIL_ON_SECTION_CREATE, NTSTATUS.INVALID_IMAGE_FORMAT)
        machine, characteristics = struct.unpack_from("<H", pe, 4)[0], struct.unpack_from("<H", pe, 0x16)[0]
        if machine not in (IMAGE_FILE_MACHINE_I386, IMAGE_FILE_MACHINE_AMD64):
            raise fail(PS_CREATE_FAIL_MACHINE_MISMATCH, NTSTATUS.INVALID_IMAGE_FORMAT)
        if characteristics & IMAGE_FILE_DLL:
            raise fail(PS_CREATE_FAIL_EXE_FORMAT, NTSTATUS.INVALID_IMAGE_FORMAT)
        return found.host


def _write_outputs(thread: Thread, attributes: dict[int, Attribute], child: Process, first: Thread) -> None:
    """The attributes the kernel answers: the client id (CLIENT_ID) and the first thread's TEB."""
    memory = thread.process.memory
    cid = attributes.get(PS_ATTRIBUTE_CLIENT_ID)
    if cid is not None and cid.value:
        if cid.size < 16:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        memory.write(cid.value, struct.pack("<QQ", child.pid, first.tid))
    teb = attributes.get(PS_ATTRIBUTE_TEB_ADDRESS)
    if teb is not None and teb.value:
        if teb.size < 8:
            raise NtError(NTSTATUS.INVALID_PARAMETER)
        memory.write(teb.value, struct.pack("<Q", first.teb64))


SERVICES = (ProcessCreateServices.NtCreateUserProcess,)
