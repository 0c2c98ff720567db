"""The VAD tree: AVL shapes after known sequences, lookups at region boundaries, free gaps and fits, removals, the
invariant check, and random insert/remove sequences checked against a plain sorted list."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from tests.conftest import CallCounter
from wow64emu.emu.vad import _LEFT, _RIGHT, Gap, VadTree, VadTreeCorrupt, _Node
from wow64emu.errors import EmulatorError

PAGE = 0x1000


@dataclass(eq=False)
class Span:
    """Shaped as AddressSpace's Region is: a base, a size and an exclusive end; compared by identity."""

    base: int
    size: int

    @property
    def end(self) -> int:
        return self.base + self.size


def page_tree(*pages: int) -> tuple[VadTree[Span], dict[int, Span]]:
    """A tree of one-page regions at these page numbers, inserted in this order, and the regions by page."""
    tree: VadTree[Span] = VadTree()
    spans = {}
    for page in pages:
        spans[page] = Span(page * PAGE, PAGE)
        tree.insert(spans[page])
    tree.check()
    return tree, spans


def levels(tree: VadTree[Span]) -> dict[int, int]:
    """Page number -> level, as !vad lists them."""
    return {span.base // PAGE: level for span, level in tree.nodes_with_levels()}


def height_bound(n: int) -> float:
    """The AVL bound on a tree's height (its deepest level + 1)."""
    return 1.44 * math.log2(n + 2)


# ---- shapes -----------------------------------------------------------------------------------------------


def test_an_empty_tree() -> None:
    tree: VadTree[Span] = VadTree()
    tree.check()
    assert len(tree) == 0 and list(tree) == [] and list(tree.nodes_with_levels()) == []
    assert tree.find(0) is None and tree.floor(2**64) is None and tree.ceiling(0) is None


@pytest.mark.parametrize("order", [(1, 2, 3), (3, 2, 1), (1, 3, 2), (3, 1, 2)],
                         ids=["single-left", "single-right", "double-right-left", "double-left-right"])
def test_three_inserts_rotate_into_one_shape(order: tuple[int, ...]) -> None:
    tree, _ = page_tree(*order)
    assert levels(tree) == {1: 1, 2: 0, 3: 1}


def test_ascending_inserts_give_a_perfect_tree() -> None:
    tree, spans = page_tree(*range(1, 8))
    assert levels(tree) == {4: 0, 2: 1, 6: 1, 1: 2, 3: 2, 5: 2, 7: 2}
    assert [tree.level(spans[page]) for page in range(1, 8)] == [2, 1, 2, 0, 2, 1, 2]
    tree, _ = page_tree(*range(1, 16))
    assert sorted(levels(tree).values()) == [0] + [1] * 2 + [2] * 4 + [3] * 8


def test_a_double_rotation_moves_the_inner_subtree() -> None:
    # 3 hangs under 4, which is the inner grandchild of 5: after the double rotation 4 is the root, 3 under 2.
    tree, _ = page_tree(5, 2, 8, 1, 4, 3)
    assert levels(tree) == {4: 0, 2: 1, 5: 1, 1: 2, 3: 2, 8: 2}


def test_a_hundred_thousand_ascending_regions_stay_shallow() -> None:
    tree: VadTree[Span] = VadTree()
    for page in range(100_000):
        tree.insert(Span(page * PAGE, PAGE))
    tree.check()
    depth = max(level for _, level in tree.nodes_with_levels()) + 1
    assert depth == 17 <= height_bound(100_000)
    assert tree.find(0x1234_5678).base == 0x1234_5000


# ---- removal ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("removed", "after"), [
    ((1,), {4: 0, 2: 1, 6: 1, 3: 2, 5: 2, 7: 2}),  # a leaf
    ((1, 2), {4: 0, 3: 1, 6: 1, 5: 2, 7: 2}),  # then a node with one child: the child takes its place
    ((6,), {4: 0, 2: 1, 7: 1, 1: 2, 3: 2, 5: 2}),  # a node with two children: its successor moves in
    ((4,), {5: 0, 2: 1, 6: 1, 1: 2, 3: 2, 7: 2}),  # the root
    ((1, 3, 2), {6: 0, 4: 1, 7: 1, 5: 2}),  # emptying the left side rotates the right one up
], ids=["leaf", "one-child", "two-children", "root", "rebalancing"])
def test_removal_from_a_perfect_tree(removed: tuple[int, ...], after: dict[int, int]) -> None:
    tree, spans = page_tree(*range(1, 8))
    for page in removed:
        tree.remove(spans[page])
        tree.check()
    assert levels(tree) == after
    assert len(tree) == 7 - len(removed)


def test_removal_can_need_a_double_rotation() -> None:
    tree, spans = page_tree(2, 1, 4, 3)
    tree.remove(spans[1])
    tree.check()
    assert levels(tree) == {3: 0, 2: 1, 4: 1}


def test_removing_the_last_region_empties_the_tree() -> None:
    tree, spans = page_tree(9)
    tree.remove(spans[9])
    tree.check()
    assert len(tree) == 0 and tree.find(9 * PAGE) is None


def test_only_the_region_itself_can_be_removed_or_leveled() -> None:
    tree, spans = page_tree(1, 2, 3)
    twin = Span(2 * PAGE, PAGE)  # the same range, another object
    for absent in (twin, Span(7 * PAGE, PAGE)):
        with pytest.raises(KeyError):
            tree.remove(absent)
        with pytest.raises(KeyError):
            tree.level(absent)
    tree.check()
    assert list(tree) == [spans[1], spans[2], spans[3]]


# ---- insertion errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("base", "size"), [
    (0x20000, 0x1000),  # the same base
    (0x1F000, 0x2000),  # ends inside
    (0x2F000, 0x2000),  # starts inside
    (0x21000, 0x1000),  # inside
    (0x10000, 0x30000),  # around
])
def test_an_overlapping_insert_is_refused(base: int, size: int) -> None:
    tree: VadTree[Span] = VadTree()
    held = Span(0x20000, 0x10000)
    tree.insert(held)
    with pytest.raises(ValueError, match="overlaps region 0x20000-0x30000"):
        tree.insert(Span(base, size))
    tree.check()
    assert list(tree) == [held]


def test_adjacent_regions_fit_and_empty_ones_do_not() -> None:
    tree: VadTree[Span] = VadTree()
    for base in (0x20000, 0x10000, 0x30000):
        tree.insert(Span(base, 0x10000))
    tree.check()
    with pytest.raises(ValueError, match="empty"):
        tree.insert(Span(0x50000, 0))
    assert len(tree) == 3


# ---- lookups ----------------------------------------------------------------------------------------------

# A [0x10000, 0x12000) and B [0x12000, 0x13000) touch; C [0x20000, 0x30000) stands alone.
REGIONS = {"A": (0x10000, 0x2000), "B": (0x12000, 0x1000), "C": (0x20000, 0x10000)}


def abc_tree() -> tuple[VadTree[Span], dict[str, Span]]:
    tree: VadTree[Span] = VadTree()
    spans = {name: Span(base, size) for name, (base, size) in REGIONS.items()}
    for span in spans.values():
        tree.insert(span)
    return tree, spans


@pytest.mark.parametrize(("addr", "found", "floor", "ceiling"), [
    (0x0, None, None, "A"),
    (0xFFFF, None, None, "A"),
    (0x10000, "A", "A", "A"),  # a start
    (0x11FFF, "A", "A", "B"),  # end - 1
    (0x12000, "B", "B", "B"),  # A's end is B's start
    (0x12FFF, "B", "B", "C"),
    (0x13000, None, "B", "C"),  # an end that starts a gap
    (0x1FFFF, None, "B", "C"),
    (0x20000, "C", "C", "C"),
    (0x2FFFF, "C", "C", None),
    (0x30000, None, "C", None),
    (2**64, None, "C", None),
])
def test_lookups_at_boundaries(addr: int, found: str | None, floor: str | None, ceiling: str | None) -> None:
    tree, spans = abc_tree()
    named = {span: name for name, span in spans.items()}
    assert named.get(tree.find(addr)) == found
    assert named.get(tree.floor(addr)) == floor
    assert named.get(tree.ceiling(addr)) == ceiling


@pytest.mark.parametrize(("base", "size", "free"), [
    (0x13000, 0xD000, True),  # the whole gap between B and C
    (0x13000, 0xD001, False),  # one byte of C
    (0x12FFF, 0x1, False),  # B's last byte
    (0x0, 0x10000, True),
    (0x0, 0x40000, False),  # around everything
    (0x30000, 2**64, True),
])
def test_is_free(base: int, size: int, free: bool) -> None:
    tree, _ = abc_tree()
    assert tree.is_free(base, size) is free


def test_is_free_wants_a_positive_size() -> None:
    tree, _ = abc_tree()
    with pytest.raises(ValueError, match="not positive"):
        tree.is_free(0x50000, 0)


@pytest.mark.parametrize(("low", "high", "gaps"), [
    (0x0, 0xFFFF_FFFF, [(0x0, 0xFFFF), (0x13000, 0x1FFFF), (0x30000, 0xFFFF_FFFF)]),
    (0x11000, 0x25000, [(0x13000, 0x1FFFF)]),  # limits inside regions
    (0x10000, 0x12FFF, []),  # all taken
    (0x13000, 0x13000, [(0x13000, 0x13000)]),  # one byte
    (0x12FFF, 0x13000, [(0x13000, 0x13000)]),
    (0x1FFFF, 0x20000, [(0x1FFFF, 0x1FFFF)]),
    (0x2FFFF, 0x30000, [(0x30000, 0x30000)]),
    (0x30000, 0x2FFFF, []),  # low above high
    (0x40000, 0x7FFE_FFFF, [(0x40000, 0x7FFE_FFFF)]),  # above every region
    (0x0, 0xFFFF, [(0x0, 0xFFFF)]),  # below every region
])
def test_gaps_both_ways(low: int, high: int, gaps: list[tuple[int, int]]) -> None:
    tree, _ = abc_tree()
    assert list(tree.gaps(low, high)) == gaps
    assert list(tree.gaps_reversed(low, high)) == gaps[::-1]


def test_gaps_of_an_empty_tree_and_their_sizes() -> None:
    tree: VadTree[Span] = VadTree()
    assert list(tree.gaps(0x10000, 0x7FFE_FFFF)) == [Gap(0x10000, 0x7FFE_FFFF)]
    assert list(tree.gaps_reversed(0x10000, 0x7FFE_FFFF)) == [Gap(0x10000, 0x7FFE_FFFF)]
    assert Gap(0x10000, 0x7FFE_FFFF).size == 0x7FFE_0000


def test_gaps_serve_an_aligned_first_fit_both_ways() -> None:
    """How AddressSpace.find_free reads them: the lowest and highest 64 KB-aligned base for 0x8000 bytes."""
    tree, _ = abc_tree()
    size, align = 0x8000, 0x10000
    bottom_up = next(base for lo, hi in tree.gaps(0x10000, 0x7FFE_FFFF)
                     if (base := -(-lo // align) * align) + size - 1 <= hi)
    top_down = next(base for lo, hi in tree.gaps_reversed(0x10000, 0x7FFE_FFFF)
                    if (base := (hi + 1 - size) // align * align) >= lo)
    assert (bottom_up, top_down) == (0x30000, 0x7FFE_0000)


# ---- the check --------------------------------------------------------------------------------------------


def corrupt_height(tree: VadTree[Span], spans: dict[int, Span]) -> None:
    tree._root.height += 1


def corrupt_order(tree: VadTree[Span], spans: dict[int, Span]) -> None:
    left, right = tree._root.kids
    left.region, left.base, right.region, right.base = right.region, right.base, left.region, left.base


def corrupt_base(tree: VadTree[Span], spans: dict[int, Span]) -> None:
    spans[1].base = 0x100 * PAGE


def corrupt_end(tree: VadTree[Span], spans: dict[int, Span]) -> None:
    spans[3].size = 0


def corrupt_overlap(tree: VadTree[Span], spans: dict[int, Span]) -> None:
    spans[1].size = 2 * PAGE


def corrupt_count(tree: VadTree[Span], spans: dict[int, Span]) -> None:
    tree._size -= 1


def corrupt_cycle(tree: VadTree[Span], spans: dict[int, Span]) -> None:
    tree._root.kids[_LEFT].kids[_LEFT] = tree._root


def corrupt_missing(tree: VadTree[Span], spans: dict[int, Span]) -> None:
    tree._size += 1


def corrupt_free_range(tree: VadTree[Span], spans: dict[int, Span]) -> None:
    tree._root.kids[_RIGHT].prev_end = 0


def corrupt_best(tree: VadTree[Span], spans: dict[int, Span]) -> None:
    tree._root.best_page = 0x100000


def corrupt_balance(tree: VadTree[Span], spans: dict[int, Span]) -> None:
    chain = [_Node(spans[page], 0) for page in (1, 2, 3)]  # 1 -> 2 -> 3 to the right, heights stored right
    chain[0].kids[_RIGHT], chain[1].kids[_RIGHT] = chain[1], chain[2]
    chain[0].height, chain[1].height = 3, 2
    tree._root = chain[0]


@pytest.mark.parametrize(("corrupt", "message"), [
    (corrupt_height, "stored height 3, actual 2"),
    (corrupt_order, "out of order"),
    (corrupt_base, "base moved to 0x100000"),
    (corrupt_end, "not above its base"),
    (corrupt_overlap, "0x2000 overlaps 0x1000-0x3000"),
    (corrupt_free_range, "node 0x3000: its free range starts at 0x0, not 0x3000"),
    (corrupt_best, r"node 0x2000: stored best blocks"),
    (corrupt_count, "more nodes reachable than the 2 counted"),
    (corrupt_cycle, "or a cycle"),
    (corrupt_missing, "3 nodes reachable, 4 counted"),
    (corrupt_balance, "node 0x1000: unbalanced, subtree heights 0 and 2"),
])
def test_check_names_what_is_broken(corrupt, message: str) -> None:
    tree, spans = page_tree(1, 2, 3)
    corrupt(tree, spans)
    with pytest.raises(VadTreeCorrupt, match=message) as raised:
        tree.check()
    assert isinstance(raised.value, EmulatorError)


# ---- random sequences against a sorted list ---------------------------------------------------------------

SPACE_PAGES = 96  # small enough that random ranges often collide


class AgainstSortedList(RuleBasedStateMachine):
    """Random inserts (some overlapping, refused) and removals; a sorted list of the regions is the model."""

    def __init__(self) -> None:
        super().__init__()
        self.tree: VadTree[Span] = VadTree()
        self.model: list[Span] = []

    @rule(page=st.integers(0, SPACE_PAGES - 1), pages=st.integers(1, 6))
    def insert(self, page: int, pages: int) -> None:
        span = Span(page * PAGE, pages * PAGE)
        if any(s.base < span.end and span.base < s.end for s in self.model):
            with pytest.raises(ValueError, match="overlaps"):
                self.tree.insert(span)
        else:
            self.tree.insert(span)
            self.model = sorted([*self.model, span], key=lambda s: s.base)

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        span = data.draw(st.sampled_from(self.model))
        self.tree.remove(span)
        self.model.remove(span)

    @rule(addr=st.integers(0, (SPACE_PAGES + 8) * PAGE))
    def lookups(self, addr: int) -> None:
        below = [s for s in self.model if s.base <= addr]
        above = [s for s in self.model if s.base >= addr]
        assert self.tree.find(addr) is next((s for s in self.model if s.base <= addr < s.end), None)
        assert self.tree.floor(addr) is (below[-1] if below else None)
        assert self.tree.ceiling(addr) is (above[0] if above else None)

    @rule(ends=st.lists(st.integers(0, (SPACE_PAGES + 8) * PAGE), min_size=2, max_size=2).map(sorted))
    def gaps(self, ends: list[int]) -> None:
        low, high = ends
        gaps = list(self.tree.gaps(low, high))
        assert list(self.tree.gaps_reversed(low, high)) == gaps[::-1]
        taken = sum(max(0, min(s.end, high + 1) - max(s.base, low)) for s in self.model)
        assert sum(gap.size for gap in gaps) + taken == high + 1 - low  # together they cover [low, high]
        for i, (first, last) in enumerate(gaps):
            assert low <= first <= last <= high
            assert i == 0 or gaps[i - 1].last + 1 < first  # apart, so each one is maximal
            assert not any(s.base <= last and first < s.end for s in self.model)  # free

    @rule(ends=st.lists(st.integers(0, (SPACE_PAGES + 8) * PAGE), min_size=2, max_size=2).map(sorted),
          pages=st.integers(1, 20), align=st.sampled_from([PAGE, 4 * PAGE, 0x10000]))
    def fits(self, ends: list[int], pages: int, align: int) -> None:
        """first_fit and last_fit find what a walk of every free block finds (4 pages: the slow path)."""
        low, high = ends
        size = pages * PAGE
        bases = [b for b in range(low + (-low) % align, high + 1, align)
                 if b + size - 1 <= high and not any(s.base < b + size and b < s.end for s in self.model)]
        assert self.tree.first_fit(size, low, high, align) == (bases[0] if bases else None)
        assert self.tree.last_fit(size, low, high, align) == (bases[-1] if bases else None)

    @invariant()
    def matches_the_model(self) -> None:
        self.tree.check()
        assert len(self.tree) == len(self.model)
        assert list(self.tree) == self.model
        leveled = list(self.tree.nodes_with_levels())
        assert [span for span, _ in leveled] == self.model
        assert all(self.tree.level(span) == level for span, level in leveled)
        if leveled:
            assert max(level for _, level in leveled) + 1 <= height_bound(len(leveled))


TestAgainstSortedList = AgainstSortedList.TestCase
TestAgainstSortedList.settings = settings(max_examples=60, stateful_step_count=40, deadline=None)


@settings(max_examples=40, deadline=None)
@given(st.permutations(range(200)), st.randoms(use_true_random=False))
def test_many_inserts_then_removals_in_random_orders(pages: list[int], rng) -> None:
    tree: VadTree[Span] = VadTree()
    spans = [Span(page * PAGE, PAGE) for page in pages]
    for span in spans:
        tree.insert(span)
    tree.check()
    assert [span.base // PAGE for span in tree] == list(range(200))
    assert max(level for _, level in tree.nodes_with_levels()) + 1 <= height_bound(200)
    rng.shuffle(spans)
    for count, span in enumerate(spans, 1):
        tree.remove(span)
        if count % 20 == 0:
            tree.check()
            remaining = len(spans) - count
            assert len(tree) == remaining
            if remaining:
                assert max(level for _, level in tree.nodes_with_levels()) + 1 <= height_bound(remaining)
    assert len(tree) == 0 and list(tree) == []


def test_a_change_rebalances_a_few_levels_not_the_whole_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # 4,096 one-page allocations at 64 KB steps, as VirtualAlloc makes them: a tree 13 levels deep. Allocating one
    # more above them and freeing it again (what a program's short-lived allocations do) must not redo every level
    # above the change: the walk up stops where a node's height and best blocks stay as they were.
    from wow64emu.emu import vad

    tree: VadTree[Span] = VadTree()
    for i in range(4096):
        tree.insert(Span(0x10000 * (i + 1), PAGE))
    balanced = CallCounter(monkeypatch, vad, "_balance")
    for _ in range(200):
        extra = Span(0x10000 * 4097, PAGE)
        tree.insert(extra)
        tree.remove(extra)
    tree.check()
    assert balanced.calls / 400 < 6  # the whole path is 12 levels or more
