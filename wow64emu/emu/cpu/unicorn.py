"""The CPU backend on Unicorn: one Unicorn instance in UC_MODE_64 with the GDT of Windows x64, real paging, and the
one place where Unicorn is hooked.

32-bit code runs in real compatibility mode (CS = 0x23) and 64-bit code in long mode (CS = 0x33); the guest
switches between them with real far transfers. The mode is always read from the descriptor of the loaded CS.
Memory is the System's physical memory, mapped once at start and again as it grows; the process's pages reach it
through page tables the CPU walks itself (paging.py), so faults on free, reserved or protected pages are page faults
with the exact instruction, the address and the kind of access. The GDT and the kernel's return-to-user stub live
in a page of the 64 KB guard above the highest user address (0x7FFF'FFFF0000), which no allocation can reach.

Hooks: the SYSCALL instruction (the handler given to on_syscall), the interrupt and invalid-opcode hooks that turn
an exception into a Fault event, the port I/O hooks (in/out/ins/outs, which Unicorn runs at CPL 3 where a CPU
raises #GP: the hooks make it a #GP), and single-address code hooks (hook_code). None of them costs anything per
instruction where it does not fire. A budget of instructions (--max-insns) adds a block hook (budget.py).

Stores: Unicorn 2.1 sends a store down its slow path (about 500 host instructions, where the fast one takes a few)
until the page's TLB entry is marked dirty, which it does only for a page mapped without execute and outside the
range of every memory hook. So the one memory hook (a page table pointing outside physical memory) covers only the
physical addresses above the memory mapped, and a frame that is mapped writable in one place and executable in
another (a JIT's double mapping) is kept on the slow path, which drops the code translated from what a store
changes (watch_stores): a real CPU sees such stores by their physical address.
"""

from __future__ import annotations

import ctypes
import struct
import threading
import time
from collections.abc import Callable, Sequence

from ...errors import EmulatorError
from ...interrupt import DEFERRAL, raise_pending
from ..physical import PhysicalMemory
from .backend import CS32, CS64, DS32, FS32, Access, Fault, FaultKind, RunResult
from .budget import InstructionBudget
from .cpustate import CpuState
from .paging import ADDRESS_MASK, NX, P, PageTables, pte_flags
from .ucconst import (
    UC_HOOK_BLOCK,
    UC_HOOK_CODE,
    UC_HOOK_INSN,
    UC_HOOK_INSN_INVALID,
    UC_HOOK_INTR,
    UC_HOOK_MEM_INVALID,
    UC_HOOK_MEM_WRITE_PROT,
    UC_PROT_ALL,
    UC_X86_INS_IN,
    UC_X86_INS_OUT,
    UC_X86_INS_SYSCALL,
    UC_X86_REG_CR0,
    UC_X86_REG_CR2,
    UC_X86_REG_CR3,
    UC_X86_REG_CR4,
    UC_X86_REG_CS,
    UC_X86_REG_DS,
    UC_X86_REG_EAX,
    UC_X86_REG_EFLAGS,
    UC_X86_REG_ES,
    UC_X86_REG_FP0,
    UC_X86_REG_FPCW,
    UC_X86_REG_FPSW,
    UC_X86_REG_FPTAG,
    UC_X86_REG_FS,
    UC_X86_REG_FS_BASE,
    UC_X86_REG_GS,
    UC_X86_REG_GS_BASE,
    UC_X86_REG_MXCSR,
    UC_X86_REG_R8,
    UC_X86_REG_R9,
    UC_X86_REG_R10,
    UC_X86_REG_R11,
    UC_X86_REG_R12,
    UC_X86_REG_R13,
    UC_X86_REG_R14,
    UC_X86_REG_R15,
    UC_X86_REG_RAX,
    UC_X86_REG_RBP,
    UC_X86_REG_RBX,
    UC_X86_REG_RCX,
    UC_X86_REG_RDI,
    UC_X86_REG_RDX,
    UC_X86_REG_RIP,
    UC_X86_REG_RSI,
    UC_X86_REG_RSP,
    UC_X86_REG_SS,
    UC_X86_REG_XMM0,
)
from .uclib import (
    CODE_CALLBACK,
    EMU_STOP_HOLDING_GIL,
    IN_CALLBACK,
    INTERRUPT_CALLBACK,
    INVALID_CALLBACK,
    LIB,
    MEMORY_CALLBACK,
    OUT_CALLBACK,
    SYSCALL_CALLBACK,
    Engine,
    RegisterBatch,
    UcError,
    VectorBatch,
)
from .watchdog import Watchdog

SYSTEM_PAGE = 0x7FFF_FFFF_0000  # GDT, the kernel stack of the first return to user mode, the return-to-user stub
GDT_ENTRIES = 16
KERNEL_STACK = 0x700  # offsets in the system page
USER_ENTRY_STUB = 0x800

_GDT_CODE32 = 0x00CFFB000000FFFF
_GDT_DATA32 = 0x00CFF3000000FFFF
_GDT_CODE64 = 0x00AFFB000000FFFF
_CR0_PG, _CR0_WP, _CR4_PAE = 0x8000_0000, 0x1_0000, 0x20
_MSR_EFER, _EFER_SCE, _EFER_LME, _EFER_LMA, _EFER_NXE = 0xC000_0080, 0x1, 0x100, 0x400, 0x800
_PF_WRITE, _PF_FETCH = 0x2, 0x10  # page-fault error code bits
_TRAP_FLAG = 0x100

# The kernel's way back to user mode: pop the iretq frame the host wrote (RIP, CS, RFLAGS, RSP, SS), after loading
# DS and ES with 0x2B from memory, so that every general register reaches user mode as the host set it.
# Hand-encoded: mov ds, word [rip+0x1a]; mov es, word [rip+0x14]; iretq; then at +0x20 the selector 0x002B.
_RETURN_TO_USER = (bytes.fromhex("8e1d1a000000" "8e0514000000" "48cf").ljust(0x20, b"\xcc")
                   + struct.pack("<H", DS32))

_REGISTERS = {
    "rax": UC_X86_REG_RAX, "rbx": UC_X86_REG_RBX, "rcx": UC_X86_REG_RCX, "rdx": UC_X86_REG_RDX,
    "rsi": UC_X86_REG_RSI, "rdi": UC_X86_REG_RDI, "rbp": UC_X86_REG_RBP, "rsp": UC_X86_REG_RSP,
    "r8": UC_X86_REG_R8, "r9": UC_X86_REG_R9, "r10": UC_X86_REG_R10, "r11": UC_X86_REG_R11,
    "r12": UC_X86_REG_R12, "r13": UC_X86_REG_R13, "r14": UC_X86_REG_R14, "r15": UC_X86_REG_R15,
    "rip": UC_X86_REG_RIP, "eflags": UC_X86_REG_EFLAGS, "eax": UC_X86_REG_EAX,
    "cs": UC_X86_REG_CS, "ds": UC_X86_REG_DS, "es": UC_X86_REG_ES, "fs": UC_X86_REG_FS, "gs": UC_X86_REG_GS,
    "ss": UC_X86_REG_SS, "mxcsr": UC_X86_REG_MXCSR, "fs_base": UC_X86_REG_FS_BASE, "gs_base": UC_X86_REG_GS_BASE,
    "fpcw": UC_X86_REG_FPCW, "fpsw": UC_X86_REG_FPSW, "fptag": UC_X86_REG_FPTAG,
}


_uc_emu_stop = LIB.uc_emu_stop


_TOP = (1 << 64) - 1
_WATCHED_FRAMES, _ALL_FRAMES = 64, -1  # watch_stores: frames with a hook each, then one hook for all
_DROP_PAGES = 64  # invalidate_code: pages dropped one by one; past them, all the code translated


_NEVER = MEMORY_CALLBACK(lambda *_args: False)  # the callback of watch_stores' hooks, which never fire
_STOP = CODE_CALLBACK(lambda uc, _address, _size, _user: _uc_emu_stop(ctypes.c_void_p(uc)))  # run()'s `until`


def data_descriptor(base: int, limit: int) -> int:
    """A DPL-3 read/write data descriptor (byte granularity, 32-bit)."""
    return ((limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0xF3 << 40) | (((limit >> 16) & 0xF) << 48)
            | (0x4 << 52) | ((base >> 24) << 56))


class UnicornCpu:
    """The processor of one process (see the module docstring and backend.py)."""

    def __init__(self, physical: PhysicalMemory) -> None:
        self.uc = uc = Engine()
        self.physical = physical
        self._physical_end = 0
        self._physical_fault_hook: int | None = None
        physical.attach(self._map_physical)
        self.tables = PageTables(physical)
        self._system_frame = physical.allocate()
        self.tables.set(SYSTEM_PAGE, self._system_frame, pte_flags(True, False, True))
        self.gdt = [0] * GDT_ENTRIES
        self.gdt[CS32 >> 3] = _GDT_CODE32
        self.gdt[DS32 >> 3] = _GDT_DATA32
        self.gdt[CS64 >> 3] = _GDT_CODE64
        self._write_gdt()
        physical.write(self._system_frame, USER_ENTRY_STUB, _RETURN_TO_USER)
        uc.write_gdtr(SYSTEM_PAGE, GDT_ENTRIES * 8 - 1)
        uc.reg_write(UC_X86_REG_CR3, self.tables.root << 12)
        uc.reg_write(UC_X86_REG_CR4, uc.reg_read(UC_X86_REG_CR4) | _CR4_PAE)
        uc.write_msr(_MSR_EFER, uc.read_msr(_MSR_EFER) | _EFER_SCE | _EFER_LME | _EFER_LMA | _EFER_NXE)
        uc.reg_write(UC_X86_REG_CR0, uc.reg_read(UC_X86_REG_CR0) | _CR0_PG | _CR0_WP | 1)
        self._state: CpuState | None = None  # made at the first exception or mode switch
        self._fault: Fault | None = None
        self._stopped = False
        self._halting = False  # halt() stopped the run: hooks (but the fault hooks) return at once
        self.runs = 0
        self._physical_error: int | None = None
        self._handle = uc.handle
        self._callbacks: list[object] = []  # the ctypes callbacks of the hooks, kept alive as long as the CPU
        self._hook_error: BaseException | None = None
        self._port_io: object | None = None  # the context at an in/out, while the rest of its block is discarded
        self._no_tables = physical.allocate()  # a PML4 that maps nothing (see _on_port_io)
        self._fault_regs = RegisterBatch(uc, [UC_X86_REG_RIP, UC_X86_REG_EFLAGS, UC_X86_REG_CS, UC_X86_REG_CR2])
        self._rip = RegisterBatch(uc, [UC_X86_REG_RIP])
        self._budget: InstructionBudget | None = None  # made by the first run with a budget (budget.py)
        self._watchdog = Watchdog(uc.emu_stop)
        self._closing = threading.Lock()  # stop() from the watcher thread against close()
        self._closed = False
        self._raw_hook(UC_HOOK_INTR, INTERRUPT_CALLBACK, self._on_interrupt, 1, 0, passed=slice(1, 2), fault=True)
        self._raw_hook(UC_HOOK_INSN_INVALID, INVALID_CALLBACK, self._on_invalid, 1, 0, fault=True)
        self._physical_fault_hook = self._raw_hook(UC_HOOK_MEM_INVALID, MEMORY_CALLBACK, self._on_physical_fault,
                                                   self._physical_end, _TOP, passed=slice(2, 3), fault=True)
        self._watched: dict[int, int] = {}  # frame -> its hook (watch_stores)
        self._port_hook(IN_CALLBACK, UC_X86_INS_IN)
        self._port_hook(OUT_CALLBACK, UC_X86_INS_OUT)

    def _map_physical(self, address: int, size: int, host: int) -> None:
        uc = self.uc
        uc.mem_map_ptr(address, size, UC_PROT_ALL, host)
        self._physical_end = max(self._physical_end, address + size)
        if self._physical_fault_hook is not None:  # it covers only what is not mapped (see the module docstring)
            uc.hook_del(self._physical_fault_hook)
            self._physical_fault_hook = self._raw_hook(UC_HOOK_MEM_INVALID, MEMORY_CALLBACK, self._on_physical_fault,
                                                       self._physical_end, _TOP, passed=slice(2, 3), fault=True)

    def _write_gdt(self) -> None:
        self.physical.write(self._system_frame, 0, b"".join(struct.pack("<Q", d) for d in self.gdt))

    # ---- modes and threads --------------------------------------------------------------------------------------

    def set_teb(self, teb64: int, teb32: int | None) -> None:
        """GS base = TEB64 (64-bit code); selector 0x53 describes TEB32 for FS in 32-bit code."""
        uc = self.uc
        if teb32 is not None:
            self.gdt[FS32 >> 3] = data_descriptor(teb32, 0xFFF)
            self._write_gdt()
            uc.reg_write(UC_X86_REG_FS, FS32)
            uc.reg_write(UC_X86_REG_FS_BASE, teb32)
        uc.reg_write(UC_X86_REG_GS, DS32)
        uc.reg_write(UC_X86_REG_GS_BASE, teb64)

    def descriptor(self, selector: int) -> int:
        index = selector >> 3
        return self.gdt[index] if 0 < index < GDT_ENTRIES else 0

    def bitness_of(self, cs: int) -> int:
        """32 or 64 for a CS selector, from its descriptor's L bit."""
        if cs == 0:  # the reset state of Unicorn: ring 0, long mode, before the first return to user mode
            return 64
        return 64 if self.descriptor(cs) >> 53 & 1 else 32

    def bitness(self) -> int:
        """32 or 64, from the L bit of the descriptor of the loaded CS (never from the PE)."""
        return self.bitness_of(self.uc.reg_read(UC_X86_REG_CS))

    def enter_user(self, rip: int, rsp: int, cs: int = CS64) -> int:
        """Build the iretq frame of the kernel's first return to user mode; returns where the run starts. The
        thread starts with the floating-point state Windows gives one: x87 control word 0x27F (53-bit precision,
        every exception masked), MXCSR 0x1F80."""
        self.physical.write(self._system_frame, KERNEL_STACK, struct.pack("<5Q", rip, cs, 0x202, rsp, DS32))
        self.uc.reg_write(UC_X86_REG_RSP, SYSTEM_PAGE + KERNEL_STACK)
        self.uc.reg_write(UC_X86_REG_FPCW, 0x27F)
        self.uc.reg_write(UC_X86_REG_MXCSR, 0x1F80)
        return SYSTEM_PAGE + USER_ENTRY_STUB

    def resume_at(self, rip: int, cs: int) -> int:
        """Make the next run start at `rip` in the mode of `cs`, whatever mode the CPU stopped in. QEMU's
        nested-fault state is cleared too: a page fault served inside a run that a system call then stopped can
        leave it set, and the next fault would arrive as a double fault."""
        state = self._cpu_state()
        state.after_exception()
        if self.bitness_of(self.uc.reg_read(UC_X86_REG_CS)) != self.bitness_of(cs):
            state.set_mode(cs)
        return rip

    def _cpu_state(self) -> CpuState:
        if self._state is None:
            self._state = CpuState(self.uc)
        return self._state

    def save_context(self) -> object:
        """Every register of the thread that runs, to be given back to restore_context()."""
        return self.uc.context_save()

    def restore_context(self, context: object) -> None:
        self.uc.context_restore(context)

    # ---- hooks --------------------------------------------------------------------------------------------------

    def on_syscall(self, handler: Callable[[], None]) -> None:
        """Call `handler` at each `syscall` instruction; execution goes on after it, where RCX says (the kernel's
        exit writes RCX as SYSRET leaves it; Unicorn itself goes on after the instruction)."""
        self._raw_hook(UC_HOOK_INSN, SYSCALL_CALLBACK, handler, 1, 0, ctypes.c_int(UC_X86_INS_SYSCALL))

    def hook_code(self, address: int, callback: Callable[[], None]) -> None:
        """Call `callback` each time the instruction at `address` is about to run."""
        self._raw_hook(UC_HOOK_CODE, CODE_CALLBACK, callback, address, address)
        self.uc.remove_cache(address, address + 1)  # a hook on code already translated fires only after this

    def hook_blocks(self, begin: int, end: int, callback: Callable[[int], None]) -> None:
        """Call `callback(address)` each time a block that starts between `begin` and `end` is about to run. One
        hook over a range where hundreds of code hooks would do: Unicorn walks every code hook at each one that
        fires, so their number is a cost of every hooked instruction (and of every instruction counted)."""
        self._raw_hook(UC_HOOK_BLOCK, CODE_CALLBACK, callback, begin, end, passed=slice(1, 2))
        self.invalidate_code(begin, end + 1 - begin)

    def _raw_hook(self, kind: int, callback_type: type, fn: Callable[..., object], begin: int, end: int,
                  *extra: object, passed: slice = slice(0), fault: bool = False) -> int:
        """A hook whose callback calls `fn` with the callback's arguments that `passed` picks (none by default) and
        returns what it returns; an exception in `fn` stops the run and is raised by run(). A hook is skipped in the
        rest of a block after an in/out, which the CPU never ran (_on_port_io), unless it is one of the `fault`
        hooks, which end that block."""
        def guarded(*args: object) -> object:
            if (self._port_io is not None or self._halting) and not fault:
                if self._halting:  # the stop of halt() stands: the hook runs when the thread goes on from here
                    _uc_emu_stop(self._handle)
                return None
            DEFERRAL.running = None  # a Ctrl-C while fn runs (a console read waits in it) raises in it (interrupt.py)
            DEFERRAL.hooks += 1
            try:
                return fn(*args[passed])
            except BaseException as exc:  # noqa: BLE001 - raised again by run(), after the CPU stopped
                if self._hook_error is None:
                    self._hook_error = exc
                _uc_emu_stop(self._handle)
                return None
            finally:
                DEFERRAL.running = self

        callback = callback_type(guarded)
        self._callbacks.append(callback)
        return self.uc.hook_add(kind, callback, begin, end, *extra)

    def jump(self, address: int) -> None:
        """Go on at `address` (from a hook: at once, the rest of the block not run). Unicorn takes a new PC in a hook
        from uc_reg_write only: a batch write of RIP there has the hooked instruction run again, for ever."""
        self.uc.reg_write(UC_X86_REG_RIP, address)

    def registers(self, names: Sequence[str]) -> RegisterBatch:
        """A batch that reads or writes these registers (by name: "rax", "rip", "cs", ...) in one call."""
        return RegisterBatch(self.uc, [_REGISTERS[n] for n in names])

    def register(self, name: str) -> int:
        return self.uc.reg_read(_REGISTERS[name])

    def vectors(self) -> VectorBatch:
        """A batch that reads or writes XMM0-XMM15 as 256 bytes in one call."""
        return VectorBatch(self.uc, range(UC_X86_REG_XMM0, UC_X86_REG_XMM0 + 16))

    def x87(self) -> VectorBatch:
        """A batch that reads or writes the x87 registers R0-R7 (by physical number, not ST(i)) as 128 bytes in one
        call: 16 bytes each, the 80-bit value first."""
        return VectorBatch(self.uc, range(UC_X86_REG_FP0, UC_X86_REG_FP0 + 8))

    # ---- faults ---------------------------------------------------------------------------------------------

    def raise_fault(self, fault: Fault) -> None:
        """End the run with this fault (what the hooks do; the kernel's entry, for a SYSCALL in 32-bit code)."""
        if self._fault is None:
            self._fault = fault
        self.uc.emu_stop()

    def _on_interrupt(self, intno: int) -> None:
        error_code, is_int = self._cpu_state().after_exception()
        if self._port_io is not None:
            self.uc.emu_stop()  # the page fault that ends a block after an in/out (_on_port_io)
            return
        rip, eflags, cs, cr2 = self._fault_regs.read()
        if intno == 14 and not is_int:
            access = Access.EXECUTE if error_code & _PF_FETCH else Access.WRITE if error_code & _PF_WRITE \
                else Access.READ
            fault = Fault(FaultKind.PAGE, rip, rip, cs, cr2, access, intno)
        elif intno == 0 and not is_int:
            fault = Fault(FaultKind.DIVIDE, rip, rip, cs, vector=intno)
        elif intno == 1 and not is_int:  # the trap flag: reported after the instruction, which is where it goes on
            self._fault_regs.write((rip, eflags & ~_TRAP_FLAG, cs, cr2))
            fault = Fault(FaultKind.SINGLE_STEP, rip, rip, cs, vector=intno)
        elif intno == 3:  # int3 (and int 3): Windows reports the breakpoint's own address
            fault = Fault(FaultKind.BREAKPOINT, rip - 1, rip, cs, vector=intno)
        elif intno == 4 and is_int:
            fault = Fault(FaultKind.OVERFLOW, rip - 1, rip, cs, vector=intno)
        elif is_int:
            fault = Fault(FaultKind.INTERRUPT, rip - 2, rip, cs, vector=intno)
        else:
            kind = {11: FaultKind.SEGMENT_NOT_PRESENT, 12: FaultKind.STACK}.get(intno, FaultKind.GENERAL_PROTECTION)
            fault = Fault(kind, rip, rip, cs, vector=intno)
        self.raise_fault(fault)

    def _port_hook(self, callback_type: type, instruction: int) -> None:
        def on_port(*_args: object) -> int:
            self._on_port_io()
            return 0
        callback = callback_type(on_port)
        self._callbacks.append(callback)
        self.uc.hook_add(UC_HOOK_INSN, callback, 1, 0, ctypes.c_int(instruction))

    def _on_port_io(self) -> None:
        """An in, out, ins or outs in user mode: a CPU (IOPL 0, no I/O permission map) raises #GP at it before it
        runs. Unicorn has already started it and neither emu_stop nor a RIP write ends its translation block, so the
        registers are saved here, as they are at the instruction, and CR3 is pointed at tables that map nothing:
        the first memory access of the rest of the block (at the latest the fetch of the next one) page-faults and
        ends the run with nothing written; run() then puts the saved registers back."""
        if self._port_io is not None:
            return
        rip, _eflags, cs, _cr2 = self._fault_regs.read()
        self._port_io = self.uc.context_save()
        self.uc.reg_write(UC_X86_REG_CR3, self._no_tables << 12)
        self.raise_fault(Fault(FaultKind.GENERAL_PROTECTION, rip, rip, cs, vector=13))

    def _on_invalid(self) -> bool:
        if self._port_io is not None:
            self.uc.emu_stop()
            return True
        (rip,) = self._rip.read()
        cs = self.uc.reg_read(UC_X86_REG_CS)
        entry = self.tables.lookup(rip)  # present: the CPU has just fetched the instruction
        if self.physical.read((entry & ADDRESS_MASK) >> 12, rip & 0xFFF, 1) == b"\xf1":
            # icebp (int1): invalid to QEMU, a #DB trap after the instruction to a CPU (Windows: single step)
            self.raise_fault(Fault(FaultKind.SINGLE_STEP, rip, rip + 1, cs, vector=1))
        else:
            self.raise_fault(Fault(FaultKind.INVALID_OPCODE, rip, rip, cs, vector=6))
        return True

    def _read_code(self, va: int, size: int) -> bytes:
        """Code bytes the CPU is about to run (its pages are present: it translated them)."""
        out = []
        while size > 0:
            n = min(size, 0x1000 - (va & 0xFFF))
            entry = self.tables.lookup(va)
            out.append(self.physical.read((entry & ADDRESS_MASK) >> 12, va & 0xFFF, n) if entry & P else bytes(n))
            va += n
            size -= n
        return b"".join(out)

    def _count_instructions(self) -> InstructionBudget:
        if self._budget is None:
            self._budget = budget = InstructionBudget(self._read_code, self.bitness, self.uc.emu_stop, self.stop)
            self._raw_hook(UC_HOOK_BLOCK, CODE_CALLBACK, budget.on_block, 1, 0, passed=slice(1, 3))
            self.uc.flush_tb()  # blocks already translated have no call to the hook
        return self._budget

    def _on_physical_fault(self, address: int) -> bool:
        """A page table pointing outside physical memory: the emulator's own error, never the guest's."""
        self._stopped = True
        self._physical_error = address
        return False

    # ---- memory -------------------------------------------------------------------------------------------------

    def map_page(self, va: int, frame: int, readable: bool, writable: bool, executable: bool) -> None:
        self.tables.set(va, frame, pte_flags(readable, writable, executable))

    def unmap_page(self, va: int) -> None:
        self.tables.clear(va)

    def watching(self, frame: int) -> bool:
        """Whether the stores to this frame are kept on the slow path (watch_stores)."""
        return frame in self._watched or _ALL_FRAMES in self._watched

    def watch_stores(self, frame: int) -> None:
        """Keep every store to this frame on Unicorn's slow path, which drops the code translated from what it
        changes: the frame is mapped writable at one address and executable at another."""
        watched = self._watched
        if frame in watched or _ALL_FRAMES in watched:
            return
        # A hook on protection faults of the physical memory, which never come (it is all read, write, execute):
        # Unicorn only asks whether a memory hook covers the frame. Past a few frames, one hook covers them all.
        if len(watched) < _WATCHED_FRAMES:
            start, end = frame << 12, (frame << 12) | 0xFFF
        else:
            for hook in watched.values():
                self.uc.hook_del(hook)
            watched.clear()
            frame, start, end = _ALL_FRAMES, 0, _TOP
        watched[frame] = self.uc.hook_add(UC_HOOK_MEM_WRITE_PROT, _NEVER, start, end)
        self.flush_tlb()  # an entry of the writable mapping may be marked dirty already

    def flush_tlb(self) -> None:
        """After mappings changed or went (new ones need no flush: the CPU never caches a missing one)."""
        self.uc.flush_tlb()

    def invalidate_code(self, va: int, size: int) -> None:
        """Drop what the CPU translated from [va, va+size) (mapped executable), after a write not its own. Page by
        page: Unicorn's drop of a range finds the frame of its first address only and takes the rest as physically
        contiguous. Past _DROP_PAGES pages all the code translated goes, at a cost that does not grow with the
        size."""
        if size <= 0:
            return
        first, end = va & ~0xFFF, va + size
        if end - first > _DROP_PAGES << 12:
            self.uc.flush_tb()
            return
        for page in range(first, end, 0x1000):
            self.uc.remove_cache(max(va, page), min(end, page + 0x1000))

    def flush_code(self) -> None:
        """Drop everything the CPU translated."""
        self.uc.flush_tb()

    # ---- running ------------------------------------------------------------------------------------------------

    def stop(self) -> None:
        """End the run after the current instruction; from a hook, the hooked instruction does not run. Callable
        from another thread (Ctrl-C's watcher, when the run is to end with KeyboardInterrupt); a run that goes on
        afterwards is stopped from another thread by halt() only."""
        with self._closing:
            if self._closed:
                return
            self._stopped = True
            self.uc.emu_stop()

    def halt(self, hooks: int) -> int | None:
        """Stop the run from another thread (Ctrl-C's watcher) so that the thread can go on from where it stopped
        (the guest may take the Ctrl-C), only where such a stop is clean: while guest code runs and no hook has been
        entered since the watcher saw DEFERRAL.hooks at `hooks`, a while ago (interrupt.py). A stop that comes while
        a code hook runs, or between its return and its instruction, ends the run before that instruction: the hook
        would run twice. The checks and the stop hold the GIL throughout (no call between them); a hook that
        Unicorn had begun to call meanwhile finds _halting and returns at once, the stop standing. The run's number
        (runs), or None: not halted."""
        if DEFERRAL.running is not self or DEFERRAL.hooks != hooks:
            return None
        run = self.runs
        self._halting = True
        self._stopped = True
        EMU_STOP_HOLDING_GIL(self._handle)
        return run

    def close(self) -> None:
        """Free the CPU: Unicorn's engine (its translated code, its TLB), the page tables' frames, its system page.
        Called between runs for a process that has ended (System.reap); the CPU is never used again."""
        with self._closing:
            if self._closed:
                return
            self._closed = True
        self._watchdog.disarm()
        self.physical.detach(self._map_physical)
        self.tables.release()
        self.physical.release(self._system_frame)
        self.physical.release(self._no_tables)
        self._callbacks.clear()
        self.uc.close()

    def run(self, begin: int, *, until: int | None = None, max_insns: int = 0, timeout: float = 0.0,
            quantum: int = 0) -> RunResult:
        """Run from `begin` until an event (see backend.py).

        `until` is a code hook that stops the CPU before the instruction there, not emu_start's end address: with
        paging, Unicorn fetches from the page before the end address when a jump lands on it, which faults when
        that page may not be executed (the headers before an entry point). The block that holds `until` must end
        by then (a jump, a return): Unicorn translates a whole block, and a fetch of a page that may not be
        executed faults even where execution would stop before it.
        """
        self._fault = None
        self._stopped = self._halting = False
        self.runs += 1
        self._physical_error = None
        entry = self.tables.lookup(begin)
        if not entry & P or entry & NX:
            # Unicorn reports a fault on the very first fetch of a run as a double fault: report it as the CPU
            # would, without running.
            cs = self.uc.reg_read(UC_X86_REG_CS)
            return RunResult("fault", begin, Fault(FaultKind.PAGE, begin, begin, cs, begin, Access.EXECUTE, 14))
        uc = self.uc
        budget = self._count_instructions() if max_insns else self._budget
        if budget is not None:
            budget.start(max_insns)
        stop_hook = None
        if until is not None:
            stop_hook = uc.hook_add(UC_HOOK_CODE, _STOP, until, until)
            uc.remove_cache(until, until + 1)
        start = time.monotonic()
        if timeout:
            self._watchdog.arm(start + timeout)
        outer, DEFERRAL.running = DEFERRAL.running, self
        try:
            uc.emu_start(begin, 0xFFFF_FFFF_FFFF_FFFF, quantum)
        except UcError as exc:
            if self._fault is None:
                where = f" (physical address 0x{self._physical_error:x})" if self._physical_error is not None else ""
                raise EmulatorError(f"the CPU stopped at 0x{uc.reg_read(UC_X86_REG_RIP):x}: {exc}{where}") from None
        finally:
            DEFERRAL.running = outer
            self._watchdog.disarm()
            if stop_hook is not None:
                uc.hook_del(stop_hook)
            if self._port_io is not None:
                uc.context_restore(self._port_io)  # CR3 included; nothing was cached under the empty tables
                self._port_io = None
        raise_pending()  # a Ctrl-C that came while the CPU ran (interrupt.py)
        if self._hook_error is not None:
            error, self._hook_error = self._hook_error, None
            raise error
        if self._fault is not None or stop_hook is not None:
            # QEMU's nested-fault state can outlive the run: the reset in the interrupt hook does not always last
            # past emu_stop, and the instruction the stop hook fires on still starts (its loads may fault, unseen).
            self._cpu_state().after_exception()
        (pc,) = self._rip.read()
        executed = budget.executed if budget is not None else 0
        if self._fault is not None:
            return RunResult("fault", pc, self._fault, executed)
        if self._stopped:
            return RunResult("stopped", pc, executed=executed)
        if pc == until:
            return RunResult("until", pc, executed=executed)
        if budget is not None and budget.spent:
            return RunResult("budget", pc, executed=executed)
        if quantum:
            return RunResult("quantum", pc, executed=executed)
        if timeout and time.monotonic() - start >= timeout * 0.98:
            return RunResult("timeout", pc, executed=executed)
        raise EmulatorError(f"the CPU stopped at 0x{pc:x} for no known reason")
