"""Process creation: a WoW64 process as Windows sets one up, or a native 64-bit process with the same steps.

The steps: allocate the process, map KUSER_SHARED_DATA, map the system DLLs (both ntdlls for WoW64, the 64-bit one
above 4 GB), map the executable and its imports, lay out the PEBs and the process parameters in both widths,
create the first thread (TEB64, TEB32 = TEB64 + 0x2000, stacks, the WoW64 CPU area), load the WoW64 DLLs, bind
the executable's imports, and write the loader's module lists (PEB->Ldr) in each PEB.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path, PureWindowsPath
from typing import TYPE_CHECKING

from ..emu.cpu.backend import CpuBackend
from ..emu.memory import PAGE, MemType, Prot, Region, page_up
from ..errors import BadImage
from ..image.mapping import LoadedModule
from ..image.pe import PEImage, preferred_range
from ..kernel.console import connect, create_std_handles
from ..kernel.dirindex import INDEX
from ..kernel.paths import SYSROOT
from ..kernel.shareddata import KUSER_SHARED_DATA
from ..kernel.threadsetup import (
    DEFAULT_STACK,
    LIMIT_32,
    NoRoom,
    alloc_private,
    build_thread,
    initial_context32,
)
from ..log import getLogger
from ..nt.params import PARAMS32, PARAMS64, BlockWriter, ProcessParameters, write_params
from . import apiset, ldrdata
from . import structures as S
from .environment import CURRENT_DIRECTORY, Environment, default_environment, wow64_environment
from .linker import Linker
from .prepared import read_image

if TYPE_CHECKING:
    from ..emu.vadview import VadRow
    from ..kernel.process import Process
    from ..kernel.processcreate import SpawnRequest
    from ..kernel.system import System
    from ..kernel.threadobject import Thread

log = getLogger(__name__)

SYSTEM32 = SYSROOT / "System32"
SYSWOW64 = SYSROOT / "SysWOW64"

WOW64_CONTEXT_SIZE = 0x2CC


@dataclass
class CreatedProcess:
    """A process being created, step by step: the process, its first thread, its modules."""

    process: Process
    program: Path
    args: list[str]
    linker64: Linker
    linker32: Linker | None = None
    parsed: PEImage | None = None  # the program's file as parsed to choose the process's kind, for map-image
    image: LoadedModule | None = None
    thread: Thread | None = None  # the first thread, once the "thread" step made it
    arena: int = 0  # the first thread's WoW64 thunk arena
    environment: Environment | None = None  # the parent's block (None: the default session's, a 64-bit parent's)
    request: SpawnRequest | None = None  # a child's: its parent's NtCreateUserProcess (None: the first process)

    @property
    def cpu(self) -> CpuBackend:
        return self.process.cpu

    @property
    def peb32(self) -> int:
        return self.process.peb32

    @property
    def peb64(self) -> int:
        return self.process.peb64

    @property
    def teb64(self) -> int:
        return self.thread.teb64 if self.thread else 0

    @property
    def teb32(self) -> int:
        return self.thread.teb32 if self.thread else 0

    @property
    def cpu_area(self) -> int:
        return self.thread.cpu_area if self.thread else 0

    @property
    def stack64(self) -> tuple[int, int]:
        return self.thread.stack64 if self.thread else (0, 0)

    @property
    def stack32(self) -> tuple[int, int]:
        return self.thread.stack32 if self.thread else (0, 0)

    @property
    def modules64(self) -> dict[str, LoadedModule]:
        return {m.name.lower(): m for m in self.linker64.modules}

    @property
    def modules32(self) -> dict[str, LoadedModule]:
        return {m.name.lower(): m for m in self.linker32.modules} if self.linker32 else {}

    @property
    def modules(self) -> list[LoadedModule]:
        return sorted([*self.modules32.values(), *self.modules64.values()], key=lambda m: m.base)

    def vad_rows(self) -> list[VadRow]:
        """The address space as !vad lists it: images and views by their guest path, private regions by role."""
        from ..emu.vadview import VadRow  # only `wow64emu vad` needs the views

        rows = []
        for region, level in self.process.memory.with_levels():
            private = region.type == MemType.PRIVATE
            rows.append(VadRow(start=region.base, end=region.end, level=level, commit=len(region.committed),
                               type=_VAD_TYPES[region.type], protection=region.allocation_protect,
                               name="" if private else self.guest_path(region.name),
                               role=region.name if private else ""))
        return rows

    def guest_path(self, host: str) -> str:
        """The path the guest knows a mapped file by: C:\\Windows\\... for the sysroot, the image path for the
        program, C:\\... for a file of the drive, and C:\\NAME for a DLL of the program's host folder (the guest sees
        the first program's folder as C:\\); other names (roles of private regions, guest paths) are returned as
        they are."""
        if not host:
            return host
        if host.startswith(_SYSROOT_PREFIX) and os.path.normpath(host) == host:  # a file of the sysroot (a system DLL)
            return "C:\\" + host[len(_SYSROOT_PARENT):].replace(os.sep, "\\")
        path = Path(host)
        real = path.resolve()
        if path.is_absolute() and real.is_relative_to(SYSROOT):
            return "C:\\" + "\\".join(real.relative_to(SYSROOT.parent).parts)
        if real == self.program.resolve():
            return self.process.image_path or str(PureWindowsPath("C:\\", self.program.name))
        drive = self.process.system.volume.location.resolve()
        if path.is_absolute() and real.is_relative_to(drive):
            return "C:\\" + "\\".join(real.relative_to(drive).parts)
        if path.is_absolute() and path.parent == program_folder(self.program):
            return str(PureWindowsPath("C:\\", path.name))
        return host


_SYSROOT_PREFIX, _SYSROOT_PARENT = os.path.join(SYSROOT, ""), os.path.join(SYSROOT.parent, "")
_VAD_TYPES = {MemType.PRIVATE: "Private", MemType.MAPPED: "Mapped", MemType.IMAGE: "Exe"}

# (name, the step, whether only a WoW64 process takes it): the order of the seed "How Windows Maps 64-Bit Ntdll to
# WoW64 Process". Each step returns a sentence saying what it did; `wow64emu vad --after NAME` stops after it.
Step = Callable[[CreatedProcess], str]
StepObserver = Callable[["CreatedProcess", str, str, list[Region]], None]  # (process, step, what, regions added)


def create_process(system: System, program: Path, args: list[str], *, on_step: StepObserver | None = None,
                   stop_after: str | None = None, environment: Environment | None = None,
                   request: SpawnRequest | None = None) -> CreatedProcess:
    """A new process of the System running `program`, made in the seed's steps (stopping after `stop_after`);
    `environment` is the block its 64-bit parent gives it (default: the fresh session's). A child of a process
    in the System comes with its parent's `request` (NtCreateUserProcess), which says all of that instead."""
    image = read_image(program)
    process = system.create_process(wow64=not image.is64, large_address_aware=bool(image.large_address_aware))
    if request is not None:
        process.parent_pid = request.parent.process.pid
    # The program's imports are searched for in its folder, then the system folder of its width, as Windows
    # searches the application's directory first; the 64-bit side of a WoW64 process loads from System32 only.
    folder = program_folder(program)
    c = CreatedProcess(process, program, args,
                       Linker(process.memory, [SYSTEM32] if process.wow64 else [folder, SYSTEM32], is64=True,
                              limit=None), parsed=image, environment=environment, request=request)
    if process.wow64:
        c.linker32 = Linker(process.memory, [folder, SYSWOW64], is64=False, limit=process.highest_address32)
    if on_step is not None:
        kind = "Wow64Process set: a 32-bit image" if process.wow64 else "a 64-bit image"
        on_step(c, "allocate", f"allocate the process ({kind})", [])
    for name, step, wow64_only in STEPS:
        if wow64_only and not process.wow64:
            continue
        before = set(map(id, process.memory.regions()))
        what = step(c)
        if on_step is not None:
            on_step(c, name, what, [r for r in process.memory.regions() if id(r) not in before])
        if name == stop_after:
            break
    return c


def program_folder(program: Path) -> Path:
    """The host folder of the program, absolute and normalised: the first place its imports are searched for."""
    return Path(os.path.abspath(program)).parent


def step_names() -> list[str]:
    return ["allocate", *(name for name, _, _ in STEPS)]


def map_executable(c: CreatedProcess) -> str:
    """The executable at its preferred base (rebased if that is taken, or kept for what the next steps map: the
    shared user data and the system ntdlls); its imports are bound last."""
    linker = c.linker32 if c.process.wow64 else c.linker64
    system = [SYSTEM32 / "ntdll.dll"] + ([SYSWOW64 / "ntdll.dll"] if c.process.wow64 else [])
    c.image = linker.map(c.program, avoid=((KUSER_SHARED_DATA, 0x10000), *map(preferred_range, system)),
                         image=c.parsed)
    c.process.image_base = c.image.base
    return f"map {c.image.name} at 0x{c.image.base:x}"


def map_shared_user_data(c: CreatedProcess) -> str:
    """KUSER_SHARED_DATA: one read-only page at 0x7FFE0000, and the 64 KB after it reserved."""
    space = c.process.memory
    kuser = space.map_view(KUSER_SHARED_DATA, PAGE, c.process.system.shared_data.memory, 0, Prot.READONLY, None,
                           "KUSER_SHARED_DATA", MemType.PRIVATE)
    kuser.no_change = True  # the system's page: the guest can neither free nor re-protect it
    space.reserve(KUSER_SHARED_DATA + PAGE, 0x10000 - PAGE, MemType.PRIVATE, Prot.NOACCESS)
    return f"map KUSER_SHARED_DATA at 0x{KUSER_SHARED_DATA:x} (read-only) and reserve the 64 KB after it"


def map_system_dlls(c: CreatedProcess) -> str:
    """PspMapSystemDlls: the 64-bit ntdll always (high), the 32-bit one from SysWOW64 for a WoW64 process; the
    kernel keeps where the 64-bit ntdll's KiUserExceptionDispatcher is (PspLookupKernelUserEntryPoints)."""
    done = [c.linker64.preload(SYSTEM32 / "ntdll.dll")]
    c.process.user_exception_dispatcher = done[0].exports.get("KiUserExceptionDispatcher", 0)
    c.process.thread_start64 = done[0].exports.get("RtlUserThreadStart", 0)
    if c.linker32 is not None:
        done.append(c.linker32.preload(SYSWOW64 / "ntdll.dll"))
    return "map " + " and ".join(f"{c.guest_path(m.path)} at 0x{m.base:x}" for m in done)


def reserve_no_access(c: CreatedProcess) -> str:
    """MiInitializeUserNoAccess: everything from the 32-bit limit to the top of the 64-bit user range becomes
    private no-access, around what is mapped there (the 64-bit ntdll), so no allocation can ever land there; and
    it stays so (secured: a free or a decommit gets STATUS_INVALID_PAGE_PROTECTION)."""
    space = c.process.memory
    cursor = c.process.highest_address32 + 1
    ranges = []
    for region in sorted(space.regions(), key=lambda r: r.base):
        if region.end <= cursor:
            continue
        if region.base > cursor:
            ranges.append((cursor, region.base))
        cursor = max(cursor, region.end)
    if cursor <= space.user_high:
        ranges.append((cursor, space.user_high + 1))
    for start, end in ranges:
        region = space.reserve(start, end - start, MemType.PRIVATE, Prot.NOACCESS,
                               "no access (MiInitializeUserNoAccess)")
        region.no_change = True  # the system's, as KUSER_SHARED_DATA: the guest cannot free or decommit it
    return "reserve as no-access " + ", ".join(f"0x{a:x}-0x{b - 1:x}" for a, b in ranges)


def _alloc(process: Process, size: int, name: str, *, below: int | None = None, top_down: bool = True,
           protect: int = Prot.READWRITE) -> int:
    try:
        return alloc_private(process, size, name, below=below, top_down=top_down, protect=protect)
    except NoRoom as exc:
        raise BadImage(f"no room for the {exc.what}") from None


def create_environment(c: CreatedProcess) -> str:
    """PEB64 (and PEB32), and RTL_USER_PROCESS_PARAMETERS in each width with handles, paths and command line: the
    first process's from the program and its arguments, a child's from its parent's call (c.request)."""
    process = c.process
    below = LIMIT_32 if process.wow64 else None
    process.peb64 = _alloc(process, PAGE, "PEB64", below=below)
    params = _child_parameters(c) if c.request is not None else _first_parameters(c)
    size = page_up(params.size(PARAMS64) + (params.size(PARAMS32) if process.wow64 else 0))
    params_base = _alloc(process, size, "process parameters", below=below)
    block = BlockWriter(params_base, size)
    params64 = write_params(block, PARAMS64, params)
    params32 = write_params(block, PARAMS32, params) if process.wow64 else 0
    process.memory.poke(params_base, bytes(block.buf[: block.top]))
    process.parameters = (params64, params32)
    api_sets = _map_api_set_schema(process, below)
    _write_peb(process, process.peb64, S.PEB64, c.image, params64, api_sets)
    if process.wow64:
        process.peb32 = _alloc(process, PAGE, "PEB32", below=below)
        _write_peb(process, process.peb32, S.PEB32, c.image, params32, api_sets)
    std = params.std_handles
    return (f"PEB64 at 0x{c.peb64:x}" + (f", PEB32 at 0x{c.peb32:x}" if c.peb32 else "")
            + f", process parameters, standard handles {std[0]:#x}, {std[1]:#x}, {std[2]:#x}, "
              f"console {params.console_handle:#x}")


def _first_parameters(c: CreatedProcess) -> ProcessParameters:
    """The first process's: the program at C:\\NAME, its arguments, the default session's environment (or the
    one given), the console's standard handles."""
    process = c.process
    std = create_std_handles(process)
    console = connect(process)
    guest_path = str(PureWindowsPath("C:\\", c.program.name))
    if not process.system.console.title:
        process.system.console.title = guest_path  # a console made for the program is titled with its path
    process.image_path = guest_path
    process.system.volume.on_first_use(lambda root: _place_program(root, c.program))
    return ProcessParameters(
        image_path=guest_path, command_line=" ".join(quote_arg(a) for a in [guest_path, *c.args]),
        current_directory=CURRENT_DIRECTORY,
        environment=wow64_environment(c.environment or default_environment(), process.wow64).strings(),
        window_title=guest_path, desktop=S.DESKTOP, console_handle=console, std_handles=std)


def _child_parameters(c: CreatedProcess) -> ProcessParameters:
    """A child's: what its parent passed, with its handles made in its own table, and the environment WoW64's
    table gives a process of its width from its parent's block."""
    request = c.request
    assert request is not None
    process = c.process
    parent = request.parent.process
    process.image_path = request.image_path
    console, std = request.child_handles(process)
    given = request.params
    environment = wow64_environment(Environment.from_strings(given.environment), process.wow64, parent.wow64)
    return replace(given, image_path=given.image_path or request.image_path, environment=environment.strings(),
                   window_title=given.window_title or request.image_path, desktop=given.desktop or S.DESKTOP,
                   current_directory=given.current_directory or CURRENT_DIRECTORY, console_handle=console,
                   std_handles=std)


def _place_program(root: Path, program: Path) -> None:
    """The program's own file where the guest knows it (C:\\NAME, the path GetModuleFileName gives): copied into the
    drive when the drive holds no file of that name, so that a program that reads itself (launchers, installers,
    self-extracting archives) finds itself wherever on the host it lives. A file of that name already there is
    left as it is."""
    if INDEX.find(root, program.name) is not None:
        return
    try:
        import shutil  # here: most runs never need it, and it costs a start 1-2 ms

        shutil.copyfile(program, root / program.name)
        INDEX.added(root / program.name)
    except OSError as exc:
        log.warning("the program's file could not be placed at C:\\%s: %s", program.name, exc.strerror)


def _map_api_set_schema(process: Process, below: int | None) -> int:
    """The API set schema, read-only, where both PEBs can point to it (Windows maps apisetschema.dll's section)."""
    schema = apiset.schema_bytes()
    base = _alloc(process, page_up(len(schema)), "API set schema", below=below, protect=Prot.READONLY)
    process.memory.poke(base, schema)
    return base


def _write_peb(process: Process, peb: int, layout: S.PebLayout, image: LoadedModule, params: int,
               api_sets: int) -> None:
    page = bytearray(PAGE)
    p = "<" + layout.ptr
    struct.pack_into(p, page, layout.image_base, image.base)
    struct.pack_into(p, page, layout.process_parameters, params)
    struct.pack_into(p, page, layout.api_set_map, api_sets)
    struct.pack_into("<I", page, layout.number_of_processors, 2)
    struct.pack_into("<IIHxxI", page, layout.os_major, 10, 0, 19045, 2)
    struct.pack_into("<I", page, layout.image_subsystem, image.image.subsystem)
    struct.pack_into("<4" + layout.ptr, page, layout.heap_segment_reserve, *S.HEAP_DEFAULTS)
    slot = struct.calcsize(p)
    struct.pack_into("<II" + layout.ptr, page, layout.number_of_heaps, 0, (PAGE - layout.size) // slot,
                     peb + layout.size)
    process.memory.poke(peb, bytes(page))


def quote_arg(arg: str) -> str:
    """An argument as CommandLineToArgvW reads it back: quoted when it holds blanks or quotes."""
    if arg and not any(ch in arg for ch in ' \t"'):
        return arg
    out, backslashes = ['"'], 0
    for ch in arg:
        if ch == "\\":
            backslashes += 1
            continue
        if ch == '"':
            out.append("\\" * (2 * backslashes + 1) + '"')
        else:
            out.append("\\" * backslashes + ch)
        backslashes = 0
    out.append("\\" * (2 * backslashes) + '"')
    return "".join(out)


def create_thread(c: CreatedProcess) -> str:
    """The first thread: TEB64 (two pages) with TEB32 right after it for WoW64, stacks, the CPU area, and the
    arena where wow64.dll rebuilds one call's structures (kernel/threadsetup.py)."""
    process = c.process
    image = c.image.image if c.image is not None else None
    reserve, commit = (image.stack_reserve, image.stack_commit) if image is not None else DEFAULT_STACK
    process.default_stack = (reserve, commit)
    try:
        thread = c.thread = build_thread(process, reserve, commit)
    except NoRoom as exc:
        raise BadImage(f"no room for the {exc.what}") from None
    what = (f"the first thread: TEB64 at 0x{thread.teb64:x}, "
            f"64-bit stack 0x{thread.stack64[0]:x}-0x{thread.stack64[1] - 1:x}")
    if process.wow64:
        what += (f", TEB32 at 0x{thread.teb32:x}, 32-bit stack 0x{thread.stack32[0]:x}-0x{thread.stack32[1] - 1:x}, "
                 f"CPU area at 0x{thread.cpu_area:x}")
    return what


def load_wow64(c: CreatedProcess) -> str:
    """wow64.dll, wow64win.dll and wow64cpu.dll; the first 32-bit context; Wow64Transition, and the 64-bit ntdll's
    Wow64PrepareForException."""
    loaded = [c.linker64.load(SYSTEM32 / name) for name in ("wow64.dll", "wow64win.dll", "wow64cpu.dll")]
    wow64cpu = c.linker64.module("wow64cpu.dll")
    ntdll32 = c.modules32["ntdll.dll"]
    c.process.memory.poke(ntdll32.exports["Wow64Transition"], struct.pack("<I", wow64cpu.exports["KiFastSystemCall"]))
    c.process.memory.poke(c.modules64["ntdll.dll"].exports["Wow64PrepareForException"],
                          struct.pack("<Q", c.modules64["wow64.dll"].exports["Wow64PrepareForException"]))
    c.process.run_simulated = wow64cpu.exports["RunSimulatedCode"]
    c.process.thread_start32 = ntdll32.exports["RtlUserThreadStart"]
    initial_context32(c.process, c.thread, c.process.thread_start32, c.image.entry, c.process.peb32)
    return ("load " + ", ".join(f"{m.name} at 0x{m.base:x}" for m in loaded)
            + f"; Wow64Transition = wow64cpu!KiFastSystemCall (0x{wow64cpu.exports['KiFastSystemCall']:x})")


def bind_imports(c: CreatedProcess) -> str:
    """The executable's imports, with the DLLs they need: from the program's folder, then SysWOW64 for a 32-bit
    image or System32 for a 64-bit one. Their DllMain runs later, in the guest (guest/ntdll/ldrinit.c)."""
    linker = c.linker32 if c.process.wow64 else c.linker64
    before = {m.name for m in linker.modules}
    linker.bind(c.image)
    added = [m for m in linker.modules if m.name not in before]
    kernel32 = linker.module("kernel32.dll")
    if kernel32 is not None:  # what Windows' kernelbase hands the console when it connects
        c.process.ctrl_routine = kernel32.exports.get("CtrlRoutine", 0)
    return f"bind {c.image.name}'s imports" + (
        ": load " + ", ".join(f"{m.name} at 0x{m.base:x}" for m in added) if added else "")


def build_loader_lists(c: CreatedProcess) -> str:
    """PEB->Ldr in each PEB: PEB_LDR_DATA and an LDR_DATA_TABLE_ENTRY for the image and each module of that
    width loaded so far (ldrdata.py), which the guest's loader keeps from then on."""
    below = LIMIT_32 if c.process.wow64 else None
    done = []
    for width, peb, layout, linker in ((32, c.peb32, S.PEB32, c.linker32), (64, c.peb64, S.PEB64, c.linker64)):
        if linker is None:
            continue
        modules = [ldrdata.StartupModule(m, c.guest_path(m.path))
                   for m in [c.image, *(m for m in linker.modules if m is not c.image)]]
        size = page_up(ldrdata.block_size(width, modules))
        base = _alloc(c.process, size, f"loader data ({width}-bit)", below=below)
        # The 64-bit list of a WoW64 process is initialised by then; the guest initialises the program's own.
        initialised = c.process.wow64 and width == 64
        c.process.memory.poke(base, ldrdata.build_block(base, width, modules, initialised=initialised))
        c.process.memory.poke(peb + layout.ldr, struct.pack("<" + layout.ptr, base))
        done.append(f"PEB{width}->Ldr at 0x{base:x} ({len(modules)} modules)")
    return ", ".join(done)


STEPS: list[tuple[str, Step, bool]] = [
    ("map-image", map_executable, False),
    ("kuser", map_shared_user_data, False),
    ("system-dlls", map_system_dlls, False),
    ("no-access", reserve_no_access, True),
    ("peb", create_environment, False),
    ("thread", create_thread, False),
    ("wow64-dlls", load_wow64, True),
    ("imports", bind_imports, False),
    ("ldr", build_loader_lists, False),
]


def module_of(c: CreatedProcess, address: int) -> tuple[LoadedModule, int] | None:
    """The module holding an address, and the offset into it."""
    for m in c.modules:
        if m.base <= address < m.base + m.size:
            return m, address - m.base
    return None
