"""The CPU really switches modes: every far-transfer form, both directions, with no help from Python; and it
pages: faults are events with the exact instruction, and a thread resumes anywhere after one, in either mode."""

import os
import signal
import struct
import threading
import time

import pytest
from keystone import KS_ARCH_X86, KS_MODE_32, KS_MODE_64, Ks

from wow64emu.emu.cpu.backend import CS32, CS64, Access, FaultKind, RunResult
from wow64emu.emu.cpu.unicorn import UnicornCpu
from wow64emu.emu.memory import AddressSpace, MemType, Prot
from wow64emu.emu.physical import FRAMES_PER_CHUNK, PhysicalMemory
from wow64emu.errors import EmulatorError
from wow64emu.interrupt import stop_on_interrupt

CODE = 0x10000
STACK_TOP = 0x90000
TEB32 = 0x70000


def asm32(src: str, addr: int) -> bytes:
    return bytes(Ks(KS_ARCH_X86, KS_MODE_32).asm(src, addr)[0])


def asm64(src: str, addr: int) -> bytes:
    return bytes(Ks(KS_ARCH_X86, KS_MODE_64).asm(src, addr)[0])


def far32(opcode: int, target: int, selector: int) -> bytes:
    """`jmp far` (EA) or `call far` (9A) ptr16:32, hand-encoded (Keystone mis-assembles them)."""
    return bytes([opcode]) + struct.pack("<IH", target, selector)


class Rig:
    """A bare CPU with one RWX block: code placed at fixed addresses, entered in either mode with a real iretq."""

    def __init__(self) -> None:
        physical = PhysicalMemory()
        self.cpu = UnicornCpu(physical)
        self.space = AddressSpace(self.cpu, physical, user_low=0x1000)
        self.space.map_committed(CODE, 0x80000 + 0x10000, MemType.PRIVATE, Prot.EXECUTE_READWRITE)
        self.cpu.set_teb(0x60000, TEB32)

    def put(self, addr: int, code: bytes) -> None:
        self.space.poke(addr, code)

    def run(self, begin: int, until: int) -> RunResult:
        return self.cpu.run(begin, until=until, max_insns=10_000)

    def run32(self, entry: int, until: int) -> None:
        assert self.run(self.cpu.enter_user(entry, STACK_TOP, cs=CS32), until).reason == "until"

    def run64(self, entry: int, until: int) -> None:
        assert self.run(self.cpu.enter_user(entry, STACK_TOP, cs=CS64), until).reason == "until"

    def reg(self, name: str) -> int:
        return self.cpu.register(name)

    def set(self, name: str, value: int) -> None:
        self.cpu.registers([name]).write((value,))


@pytest.fixture
def rig() -> Rig:
    return Rig()


def test_byte_0x48_is_dec_eax_in_32_bit_mode_and_rex_w_in_64_bit_mode(rig: Rig) -> None:
    # 32-bit: eax = 5; 48 = dec eax; jmp far 0x33:64-bit part.
    rig.put(CODE, asm32("mov eax, 5", CODE) + b"\x48" + far32(0xEA, CODE + 0x100, CS64))
    # 64-bit: the same byte 0x48 is now REX.W: 48 FF C0 = inc rax, a 64-bit increment that carries into bit 32.
    rig.put(CODE + 0x100, asm64("mov rax, 0xffffffff", CODE + 0x100) + b"\x48\xff\xc0" + b"\x90")
    end = CODE + 0x100 + len(asm64("mov rax, 0xffffffff", 0)) + 3
    rig.run32(CODE, end)
    assert rig.reg("cs") == CS64
    assert rig.cpu.bitness() == 64
    assert rig.reg("rax") == 0x1_0000_0000


def test_dec_eax_really_ran_in_32_bit_mode(rig: Rig) -> None:
    rig.put(CODE, asm32("mov eax, 5", CODE) + b"\x48" + b"\x90")
    rig.run32(CODE, CODE + 6)
    assert rig.reg("cs") == CS32
    assert rig.cpu.bitness() == 32
    assert rig.reg("eax") & 0xFFFFFFFF == 4


def test_fs_base_is_teb32_in_32_bit_code(rig: Rig) -> None:
    rig.put(TEB32 + 0x18, struct.pack("<I", TEB32))
    code = asm32("mov ebx, dword ptr fs:[0x18]", CODE)
    rig.put(CODE, code + b"\x90")
    rig.run32(CODE, CODE + len(code))
    assert rig.reg("fs") == 0x53
    assert rig.reg("rbx") & 0xFFFFFFFF == TEB32


def test_call_far_and_retf_go_to_64_bit_and_back(rig: Rig) -> None:
    # 32-bit: call far 0x33:fn64; after the return, mov ebx, eax.
    call = far32(0x9A, CODE + 0x200, CS64)
    rig.put(CODE, call + asm32("mov ebx, eax", CODE + len(call)) + b"\x90")
    # 64-bit: rax = a 64-bit value; shift its high half down; retf (32-bit operand size: pops EIP and CS).
    fn64 = asm64("mov rax, 0x1234567800000000; shr rax, 32", CODE + 0x200) + b"\xcb"
    rig.put(CODE + 0x200, fn64)
    rig.run32(CODE, CODE + len(call) + 2)
    assert rig.reg("cs") == CS32
    assert rig.reg("rbx") & 0xFFFFFFFF == 0x12345678


def test_lcall_m16_32_through_memory(rig: Rig) -> None:
    ptr = CODE + 0x300
    rig.put(ptr, struct.pack("<IH", CODE + 0x200, CS64))
    call = b"\xff\x1d" + struct.pack("<I", ptr)  # call far [ptr]: FF /3 m16:32
    rig.put(CODE, call + asm32("mov ebx, eax", CODE + len(call)) + b"\x90")
    rig.put(CODE + 0x200, asm64("mov rax, 0x4400000000; shr rax, 32", CODE + 0x200) + b"\xcb")
    rig.run32(CODE, CODE + len(call) + 2)
    assert rig.reg("cs") == CS32
    assert rig.reg("rbx") & 0xFFFFFFFF == 0x44


def test_wow64ext_push_0x33_retf_idiom_and_its_way_back(rig: Rig) -> None:
    # X64_Start: push 0x33; call $+5; add dword [esp], 5; retf -> continues in 64-bit mode right after.
    enter = b"\x6a\x33" + b"\xe8\x00\x00\x00\x00" + b"\x83\x04\x24\x05" + b"\xcb"
    # 64-bit: rbx = 0x1234567800 >> 8, which needs 64-bit registers.
    # X64_End: call $+5; mov dword [rsp+4], 0x23; add dword [rsp], 0xD; retf
    body = asm64("mov rbx, 0x1234567800; shr rbx, 8", 0)
    leave = b"\xe8\x00\x00\x00\x00" + b"\xc7\x44\x24\x04\x23\x00\x00\x00" + b"\x83\x04\x24\x0d" + b"\xcb"
    after = asm32("mov ax, ds; mov ss, ax; mov eax, ebx", 0)
    code = enter + body + leave + after + b"\x90"
    rig.put(CODE, code)
    rig.run32(CODE, CODE + len(code) - 1)
    assert rig.reg("cs") == CS32
    assert rig.reg("eax") & 0xFFFFFFFF == 0x12345678


def test_jmp_fword_from_64_to_32(rig: Rig) -> None:
    ptr = CODE + 0x300
    rig.put(ptr, struct.pack("<IH", CODE + 0x400, CS32))
    # jmp fword ptr [ptr]: FF /5 with an absolute 32-bit address (Keystone has no form for it).
    code = b"\xff\x2c\x25" + struct.pack("<I", ptr)
    rig.put(CODE, code)
    rig.put(CODE + 0x400, b"\x48" + b"\x90")  # dec eax in 32-bit mode
    rig.set("rax", 10)
    rig.run64(CODE, CODE + 0x401)
    assert rig.reg("cs") == CS32
    assert rig.reg("eax") & 0xFFFFFFFF == 9


def test_iretq_from_64_to_32(rig: Rig) -> None:
    code = asm64(f"mov eax, 0x2b; push rax; push {STACK_TOP - 0x100:#x}; pushfq; push 0x23; "
                 f"push {CODE + 0x400:#x}; mov eax, 3; iretq", CODE)
    rig.put(CODE, code)
    rig.put(CODE + 0x400, b"\x48\x90")
    rig.run64(CODE, CODE + 0x401)
    assert rig.reg("cs") == CS32
    assert rig.reg("eax") & 0xFFFFFFFF == 2
    assert rig.reg("rsp") & 0xFFFFFFFF == STACK_TOP - 0x100


def test_retf_with_64_bit_operand_from_64_to_64(rig: Rig) -> None:
    # retfq (48 CB) pops an 8-byte RIP and CS: a far return that stays in long mode.
    code = asm64(f"push 0x33; mov rax, {CODE + 0x400:#x}; push rax", CODE) + b"\x48\xcb"
    rig.put(CODE, code)
    rig.put(CODE + 0x400, b"\x48\xff\xc3\x90")  # inc rbx (REX.W)
    rig.set("rbx", 0xFFFFFFFF)
    rig.run64(CODE, CODE + 0x403)
    assert rig.reg("cs") == CS64
    assert rig.reg("rbx") == 0x100000000


# ---- faults are events; a thread resumes anywhere after one ---------------------------------------------------

DATA, READONLY, NOEXEC = 0xA0000, 0xA1000, 0xA2000


@pytest.fixture
def paged(rig: Rig) -> Rig:
    rig.space.map_committed(DATA, 0x1000, MemType.PRIVATE, Prot.READWRITE)
    rig.space.map_committed(READONLY, 0x1000, MemType.PRIVATE, Prot.READONLY)
    rig.space.map_committed(NOEXEC, 0x1000, MemType.PRIVATE, Prot.READWRITE)
    return rig


@pytest.mark.parametrize("bits", [32, 64])
def test_page_faults_give_the_instruction_the_address_and_the_access(paged: Rig, bits: int) -> None:
    asm, cs = (asm32, CS32) if bits == 32 else (asm64, CS64)
    cases = [(f"mov ecx, {0xB0000:#x}; mov eax, dword ptr [ecx]", 0xB0000, Access.READ),
             (f"mov ecx, {READONLY:#x}; mov dword ptr [ecx], eax", READONLY, Access.WRITE),
             (f"mov ecx, {NOEXEC:#x}; call {'ecx' if bits == 32 else 'rcx'}", NOEXEC, Access.EXECUTE)]
    for src, address, access in cases:
        first = asm(src.split(";")[0], CODE)
        paged.put(CODE, first + asm(src.split(";")[1], CODE + len(first)) + b"\x90")
        result = paged.run(paged.cpu.resume_at(paged.cpu.enter_user(CODE, STACK_TOP, cs), CS64), CODE + 0x100)
        fault = result.fault
        assert result.reason == "fault" and fault is not None
        pc = NOEXEC if access is Access.EXECUTE else CODE + len(first)  # a fetch faults at its target
        assert (fault.kind, fault.pc, fault.address, fault.access, fault.cs) == (FaultKind.PAGE, pc, address,
                                                                                access, cs)


def test_other_faults_are_events_with_their_address(paged: Rig) -> None:
    cases = [(asm64("xor ecx, ecx; div ecx", CODE), FaultKind.DIVIDE, CODE + 2, CODE + 2),
             (b"\x90\xcc\x90", FaultKind.BREAKPOINT, CODE + 1, CODE + 2),  # int3: reported where it is
             (b"\x90\x0f\x0b", FaultKind.INVALID_OPCODE, CODE + 1, CODE + 1),  # ud2
             (b"\x90\xfa", FaultKind.GENERAL_PROTECTION, CODE + 1, CODE + 1),  # cli at CPL 3
             (b"\x90\x0f\x07", FaultKind.GENERAL_PROTECTION, CODE + 1, CODE + 1),  # sysret at CPL 3
             (b"\x90\xf1\x90", FaultKind.SINGLE_STEP, CODE + 1, CODE + 2)]  # int1 (icebp): a trap, after it
    for code, kind, pc, resume in cases:
        paged.put(CODE, code)
        result = paged.run(paged.cpu.resume_at(paged.cpu.enter_user(CODE, STACK_TOP, CS64), CS64), CODE + 0x100)
        assert result.fault is not None
        assert (result.fault.kind, result.fault.pc, result.fault.resume) == (kind, pc, resume)


def test_a_thread_resumes_anywhere_after_a_fault_hundreds_of_times_in_either_mode(paged: Rig) -> None:
    """Each resume switches mode: a page fault in 32-bit code resumes at a counter in 64-bit code, which runs into
    a #GP or a #DE (in turn, so that QEMU's nested-fault state must be cleared every time), which resumes at the
    32-bit code that page-faults again."""
    paged.put(CODE, asm32(f"mov ecx, {0xB0000:#x}; mov eax, dword ptr [ecx]", CODE))
    count64 = CODE + 0x300
    paged.put(count64, asm64(f"mov rcx, {DATA:#x}; inc dword ptr [rcx]; jmp {count64 + 0x20:#x}", count64))
    faults64 = [asm64("cli", 0), asm64("xor ecx, ecx; div ecx", 0)]
    seen = []
    begin = paged.cpu.enter_user(CODE, STACK_TOP, CS32)
    for i in range(300):
        paged.put(count64 + 0x20, faults64[(i // 2) % 2])
        result = paged.run(begin, CODE + 0xF00)
        fault = result.fault
        assert fault is not None, (i, result)
        seen.append((fault.kind, fault.cs))
        begin = paged.cpu.resume_at(count64, CS64) if fault.cs == CS32 else paged.cpu.resume_at(CODE, CS32)
    assert struct.unpack("<I", paged.space.peek(DATA, 4))[0] == 150
    assert seen[0::2] == [(FaultKind.PAGE, CS32)] * 150
    assert seen[1::2] == [(FaultKind.GENERAL_PROTECTION, CS64), (FaultKind.DIVIDE, CS64)] * 75


def test_the_system_page_and_the_kernel_range_fault_for_user_code(paged: Rig) -> None:
    paged.put(CODE, asm64("mov rcx, 0x7fffffff0000; mov rax, qword ptr [rcx]; mov qword ptr [rcx], rax", CODE))
    result = paged.run(paged.cpu.resume_at(paged.cpu.enter_user(CODE, STACK_TOP, CS64), CS64), CODE + 0x100)
    assert result.fault is not None and result.fault.access is Access.WRITE  # readable (the GDT), never writable


@pytest.mark.parametrize("grown", [False, True])
def test_a_page_table_entry_past_physical_memory_is_the_emulator_s_error_naming_the_address(rig: Rig,
                                                                                          grown: bool) -> None:
    """The hook that names the physical address covers what is not mapped, also after physical memory grew."""
    physical = rig.space.physical
    if grown:
        while physical.frames_in_use < FRAMES_PER_CHUNK:
            physical.allocate()
    chunks = 2 if grown else 1
    beyond = chunks * FRAMES_PER_CHUNK + 5
    rig.cpu.map_page(0xB0000, beyond, True, True, False)
    rig.put(CODE, asm64("mov rax, [0xB0010]; nop", CODE))
    with pytest.raises(EmulatorError, match=f"physical address 0x{(beyond << 12) + 0x10:x}"):
        rig.run64(CODE, CODE + 9)


def press_ctrl_c(times: int, every: float) -> threading.Thread:
    """A thread that sends this process SIGINT `times` times, `every` seconds apart (the first after `every`)."""
    def press() -> None:
        for _ in range(times):
            time.sleep(every)
            os.kill(os.getpid(), signal.SIGINT)

    thread = threading.Thread(target=press)
    thread.start()
    return thread


@pytest.mark.usefixtures("python_sigint")
def test_a_ctrl_c_the_guest_takes_never_has_a_hook_run_twice(rig: Rig) -> None:
    """Ctrl-C's watcher never stops the CPU while a hook runs or between its return and its instruction (a run
    stopped there goes on at that instruction, and its hook runs again: wow64's dispatch would serve a call twice).
    Each iteration of the loop runs its hooked nop once, whatever the presses."""
    loops = 100_000
    rig.put(CODE, asm64("l: nop; inc rbx; dec rcx; jnz l; nop", CODE))
    end = CODE + len(asm64("l: nop; inc rbx; dec rcx; jnz l", CODE))
    hooked = [0]
    rig.cpu.hook_code(CODE, lambda: hooked.__setitem__(0, hooked[0] + 1))
    taken: list[bool] = []
    with stop_on_interrupt(rig.cpu.stop, lambda: taken.append(True) or True):
        presser = press_ctrl_c(20, 0.02)
        rig.cpu.registers(["rbx", "rcx"]).write((0, loops))
        result = rig.cpu.run(rig.cpu.enter_user(CODE, STACK_TOP, cs=CS64), until=end, timeout=60)
        while result.reason == "stopped":  # a halt: the thread goes on where it stopped
            result = rig.cpu.run(result.pc, until=end, timeout=60)
        presser.join()
    assert result.reason == "until"
    assert hooked[0] == rig.reg("rbx") == loops
    assert taken


@pytest.mark.usefixtures("python_sigint")
def test_a_ctrl_c_the_guest_takes_halts_guest_code_that_runs_no_hook(rig: Rig) -> None:
    """Guest code that reaches no hook runs no Python, where the handler would run: the watcher halts the CPU there
    (a clean stop, after ANSWER_WAIT), and the thread goes on from where it stopped."""
    rig.put(CODE, asm64("l: inc rbx; jmp l", CODE))
    taken: list[bool] = []
    with stop_on_interrupt(rig.cpu.stop, lambda: taken.append(True) or True):
        presser = press_ctrl_c(1, 0.1)
        rig.cpu.registers(["rbx"]).write((0,))
        result = rig.cpu.run(rig.cpu.enter_user(CODE, STACK_TOP, cs=CS64), timeout=60)
        presser.join()
    assert (result.reason, taken) == ("stopped", [True])
    assert result.pc in (CODE, CODE + 3)
    before = rig.reg("rbx")
    assert rig.cpu.run(result.pc, max_insns=1000).reason == "budget"
    assert rig.reg("rbx") > before


@pytest.mark.usefixtures("python_sigint")
def test_a_ctrl_c_taken_in_a_hook_halts_guest_code_that_then_runs_no_hook(rig: Rig) -> None:
    """A Ctrl-C whose handler runs in a hook (the guest takes it) waits for the run to end, where the scheduler
    starts the handlers' thread: guest code that runs on with no hook (and no system call) is halted for it once it
    has entered no hook for ANSWER_WAIT; the hook ran once."""
    rig.put(CODE, asm64("nop; l: inc rbx; jmp l", CODE))
    hooked: list[bool] = []

    def press_ctrl_c() -> None:
        hooked.append(True)
        os.kill(os.getpid(), signal.SIGINT)  # the handler runs at the next bytecode: here, in the hook

    rig.cpu.hook_code(CODE, press_ctrl_c)
    taken: list[bool] = []
    with stop_on_interrupt(rig.cpu.stop, lambda: taken.append(True) or True):  # no scheduler delivers it
        rig.cpu.registers(["rbx"]).write((0,))
        result = rig.cpu.run(rig.cpu.enter_user(CODE, STACK_TOP, cs=CS64), timeout=20)
    assert (result.reason, taken, hooked) == ("stopped", [True], [True])
    assert result.pc in (CODE + 1, CODE + 4)


@pytest.mark.usefixtures("python_sigint")
def test_a_ctrl_c_while_a_hook_serves_raises_there_and_out_of_the_run(rig: Rig) -> None:
    """A Ctrl-C that comes while a hook's function runs (the kernel serving a call, perhaps waiting for a console
    read) raises there at once, and the run raises it once the CPU has stopped (interrupt.py)."""
    rig.put(CODE, asm64("l: nop; jmp l", CODE))
    calls, after_kill = [], []

    def press_ctrl_c() -> None:
        calls.append(True)
        os.kill(os.getpid(), signal.SIGINT)  # the handler runs at the next bytecode: here
        after_kill.append(True)

    rig.cpu.hook_code(CODE, press_ctrl_c)
    with stop_on_interrupt(rig.cpu.stop), pytest.raises(KeyboardInterrupt):
        rig.cpu.run(rig.cpu.enter_user(CODE, STACK_TOP, cs=CS64), timeout=30)
    assert (calls, after_kill) == ([True], [])
