"""--max-insns over a whole run: the instructions of every block the CPU enters are counted, across the CPU's runs
(a page fault served, a wait, a fault resumed each end one), so that no guest escapes its budget by ending runs
often (a loop of Sleep(0) would otherwise start every run with a full budget).

Unicorn counts only within one emu_start and does not say how many it ran when a run ends early, so the count is
ours: a block hook, installed the first time a budget is asked for (never otherwise: it costs a call per block),
that adds the instructions of the block about to run, each block disassembled once. The run stops at the first block
that would pass the budget; the count is exact to the block. The counts kept are bounded (BLOCKS_KEPT, then they
are counted afresh), and a block rewritten in place to the same size keeps its first count: a guest rewriting its
own code can stretch its budget (by at most the 15 bytes of the longest instruction per instruction counted);
--timeout bounds it still. A Ctrl-C the guest takes stops the run at the next block too (uncounted): Ctrl-C's
watcher never halts guest code whose every block enters Python (interrupt.py).
"""

from __future__ import annotations

from collections.abc import Callable

from ...interrupt import DEFERRAL

Reader = Callable[[int, int], bytes]  # (virtual address, size) -> the code bytes there
_UNLIMITED = 1 << 62
BLOCKS_KEPT = 1 << 16  # block counts kept at once (a guest jumping into every byte of its memory makes new blocks)


class InstructionBudget:
    def __init__(self, read_code: Reader, bitness: Callable[[], int], stop: Callable[[], None],
                 interrupt: Callable[[], None]) -> None:
        """`stop` ends the run with the budget spent, `interrupt` as a stop of the CPU's (the thread goes on there)."""
        from capstone import CS_ARCH_X86, CS_MODE_32, CS_MODE_64, Cs  # only when a budget is asked for

        self._disassemblers = {32: Cs(CS_ARCH_X86, CS_MODE_32), 64: Cs(CS_ARCH_X86, CS_MODE_64)}
        self._read_code = read_code
        self._bitness = bitness
        self._stop = stop
        self._interrupt = interrupt
        self._blocks: dict[int, int] = {}  # address | size << 48 -> the instructions of the block there
        self._budget = 0
        self._room = _UNLIMITED  # instructions left in this run
        self.spent = False

    @property
    def executed(self) -> int:
        """Instructions run since start()."""
        return (self._budget or _UNLIMITED) - self._room

    def start(self, budget: int) -> None:
        """A run begins with `budget` instructions left (0: no budget, counting only)."""
        self._budget = budget
        self._room = budget or _UNLIMITED
        self.spent = False

    def on_block(self, address: int, size: int) -> None:
        if DEFERRAL.taken:  # a Ctrl-C the guest took: its handlers' thread starts when the run ends (interrupt.py)
            DEFERRAL.taken = False  # one stop is enough: the scheduler delivers the event as this run ends
            self._interrupt()
            return
        count = self._blocks.get(address | size << 48)
        if count is None:
            if len(self._blocks) >= BLOCKS_KEPT:
                self._blocks.clear()
            count = self._blocks[address | size << 48] = self._count(address, size)
        self._room -= count
        if self._room < 0:  # the block would pass the budget: it does not run
            self._room += count
            self.spent = True
            self._stop()

    def _count(self, address: int, size: int) -> int:
        code = self._read_code(address, size)
        return max(1, sum(1 for _ in self._disassemblers[self._bitness()].disasm_lite(code, address)))
