"""The instruction budget's counting (emu/cpu/budget.py), apart from the CPU: blocks disassembled once, the run
stopped before the block that would pass the budget, and the counts kept bounded."""

from __future__ import annotations

from wow64emu.emu.cpu.budget import BLOCKS_KEPT, InstructionBudget
from wow64emu.interrupt import DEFERRAL


def budget(code: bytes, stops: list[int]) -> InstructionBudget:
    """A budget whose budget stops `stops` records as 1, and whose interruptions as 2."""
    return InstructionBudget(lambda address, size: code[:size], lambda: 32, lambda: stops.append(1),
                             lambda: stops.append(2))


def test_blocks_are_counted_by_their_instructions_and_the_budget_stops_the_run_before_it_is_passed() -> None:
    stops: list[int] = []
    b = budget(b"\x90" * 4 + b"\x66\x90" * 4, stops)
    b.start(10)
    b.on_block(0x1000, 4)  # four one-byte nops
    b.on_block(0x2000, 12)  # four nops, then four two-byte ones: 8 instructions, more than the 6 left
    assert (b.executed, b.spent, stops) == (4, True, [1])


def test_without_a_budget_it_only_counts() -> None:
    stops: list[int] = []
    b = budget(b"\x90" * 16, stops)
    b.start(0)
    for _ in range(1000):
        b.on_block(0x1000, 16)
    assert (b.executed, b.spent, stops) == (16000, False, [])


def test_the_counts_kept_are_bounded() -> None:
    b = budget(b"\xc3", [])
    b.start(0)
    for address in range(BLOCKS_KEPT + 100):  # a `ret` at every byte: a new block each time
        b.on_block(0x100000 + address, 1)
    assert len(b._blocks) <= BLOCKS_KEPT and b.executed == BLOCKS_KEPT + 100


def test_a_ctrl_c_the_guest_took_stops_the_run_at_the_next_block_uncounted() -> None:
    stops: list[int] = []
    b = budget(b"\x90" * 4, stops)
    b.start(10)
    DEFERRAL.taken = True
    try:
        b.on_block(0x1000, 4)
    finally:
        DEFERRAL.taken = False
    b.on_block(0x1000, 4)
    assert (b.executed, b.spent, stops) == (4, False, [2])
