"""A process's VAD tree: its allocations kept in a self-balancing (AVL) search tree keyed by start address.

Windows keeps one node per allocation (a Virtual Address Descriptor) in a balanced tree hanging from the
process's VadRoot, and WinDbg's `!vad` lists them in address order with each node's level (the root is level 0).
This tree does the same for any object that has a `base` and an (exclusive) `end`, such as AddressSpace's
Region: lookups of the region that holds an address, of its neighbours, and of the free ranges between regions
cost O(log n), and so do insertions and removals. So does finding free space: each node knows the free range before
its region, and the largest free block that range and its subtree's offer at page and at 64 KB alignment (as
Windows keeps the largest gap of each subtree for its own search), so a search never walks gaps too small.

Nothing here recurses, so the depth of Python's stack never limits the tree's size. Regions must not change
their `base` or `end` while they are in a tree; the tree may not be changed while one of its iterators is in use.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, NamedTuple, Protocol, TypeVar

from ..errors import EmulatorError


class Ranged(Protocol):
    """What a tree holds: the range [base, end) of addresses."""

    @property
    def base(self) -> int: ...

    @property
    def end(self) -> int: ...


R = TypeVar("R", bound=Ranged)

_LEFT, _RIGHT = 0, 1
PAGE = 0x1000
GRANULARITY = 0x10000  # the alignment of allocations


class VadTreeCorrupt(EmulatorError):
    """check() found a broken invariant: the tree's code, or a region changed in place, is at fault."""


class Gap(NamedTuple):
    """A free range of addresses, `first` to `last` both inclusive (so it can end at the top of the space)."""

    first: int
    last: int

    @property
    def size(self) -> int:
        return self.last + 1 - self.first


class _Node(Generic[R]):
    """One VAD: its region, the region's base as the key, its two subtrees and the height of the subtree here; the
    end of the region before it (the free range before this one starts there), and the largest block the free
    ranges of the subtree offer at page and at 64 KB alignment."""

    __slots__ = ("region", "base", "kids", "height", "prev_end", "best_page", "best_64k")

    def __init__(self, region: R, prev_end: int) -> None:
        self.region = region
        self.base = region.base
        self.kids: list[_Node[R] | None] = [None, None]  # [_LEFT] lower addresses, [_RIGHT] higher
        self.height = 1  # a leaf's; an empty subtree's is 0
        self.prev_end = prev_end
        _update(self)


def _height(node: _Node | None) -> int:
    return 0 if node is None else node.height


def _update(node: _Node) -> None:
    """The node's height and best blocks from its own free range and its subtrees' (written out: this runs
    a few times for each change of the tree)."""
    left, right = node.kids
    first, end = node.prev_end, node.base
    best_page = end - first  # region bounds are page-aligned
    best_64k = end - (first + GRANULARITY - 1 & ~(GRANULARITY - 1))
    if best_64k < 0:
        best_64k = 0
    height = 0
    if left is not None:
        height = left.height
        if left.best_page > best_page:
            best_page = left.best_page
        if left.best_64k > best_64k:
            best_64k = left.best_64k
    if right is not None:
        if right.height > height:
            height = right.height
        if right.best_page > best_page:
            best_page = right.best_page
        if right.best_64k > best_64k:
            best_64k = right.best_64k
    node.height = height + 1
    node.best_page, node.best_64k = best_page, best_64k


def _lift(node: _Node, side: int) -> _Node:
    """A single rotation: the child on `side` becomes the root of this subtree, `node` its child on the other."""
    top = node.kids[side]  # present: rotations lift the heavy side
    node.kids[side] = top.kids[1 - side]
    top.kids[1 - side] = node
    _update(node)
    _update(top)
    return top


def _balance(node: _Node) -> _Node:
    """Restore the AVL property at `node` (whose subtrees are AVL trees differing in height by at most 2) and
    its height; returns the subtree's root, which a rotation changes."""
    tilt = _height(node.kids[_RIGHT]) - _height(node.kids[_LEFT])
    if -1 <= tilt <= 1:
        _update(node)
        return node
    heavy = _RIGHT if tilt > 0 else _LEFT
    child = node.kids[heavy]
    if _height(child.kids[1 - heavy]) > _height(child.kids[heavy]):  # zig-zag: a double rotation
        node.kids[heavy] = _lift(child, 1 - heavy)
    return _lift(node, heavy)


class VadTree(Generic[R]):
    """Non-overlapping regions in an AVL tree keyed by their base address."""

    def __init__(self) -> None:
        self._root: _Node[R] | None = None
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[R]:
        """The regions in ascending address order."""
        for node in self._walk(_RIGHT, None):
            yield node.region

    # ---- lookup -----------------------------------------------------------------------------------------

    def find(self, addr: int) -> R | None:
        """The region that contains `addr`, if any."""
        node = self._nearest(addr, _LEFT)
        if node is not None and addr < node.region.end:
            return node.region
        return None

    def floor(self, addr: int) -> R | None:
        """The last region that starts at or below `addr`."""
        node = self._nearest(addr, _LEFT)
        return None if node is None else node.region

    def ceiling(self, addr: int) -> R | None:
        """The first region that starts at or above `addr`."""
        node = self._nearest(addr, _RIGHT)
        return None if node is None else node.region

    def is_free(self, base: int, size: int) -> bool:
        """Whether no region has an address in [base, base + size); `size` must be positive."""
        if size <= 0:
            raise ValueError(f"size 0x{size:x} of range at 0x{base:x} is not positive")
        return self._overlap(base, base + size) is None

    def level(self, region: R) -> int:
        """The depth of `region`'s node, the root's being 0 (the Level column of WinDbg's !vad)."""
        depth = 0
        node = self._root
        while node is not None and node.base != region.base:
            node = node.kids[region.base > node.base]
            depth += 1
        if node is None or node.region is not region:
            raise KeyError(f"region at 0x{region.base:x} is not in the tree")
        return depth

    def nodes_with_levels(self) -> Iterator[tuple[R, int]]:
        """(region, level) for every node, in ascending address order."""
        stack: list[tuple[_Node[R], int]] = []
        node, depth = self._root, 0
        while stack or node is not None:
            while node is not None:
                stack.append((node, depth))
                node, depth = node.kids[_LEFT], depth + 1
            top, depth = stack.pop()
            yield top.region, depth
            node, depth = top.kids[_RIGHT], depth + 1

    def gaps(self, low: int, high: int) -> Iterator[Gap]:
        """The free ranges inside [low, high] (`high` inclusive), lowest first."""
        if low > high:
            return
        start = self.floor(low)
        cursor = low  # the lowest address not yet accounted for
        for node in self._walk(_RIGHT, low if start is None else start.base):
            region = node.region
            if region.base > high:
                break
            if region.base > cursor:
                yield Gap(cursor, region.base - 1)
            cursor = max(cursor, region.end)
        if cursor <= high:
            yield Gap(cursor, high)

    def gaps_reversed(self, low: int, high: int) -> Iterator[Gap]:
        """The free ranges inside [low, high] (`high` inclusive), highest first (for top-down allocation)."""
        if low > high:
            return
        cursor = high  # the highest address not yet accounted for
        for node in self._walk(_LEFT, high):
            region = node.region
            if region.end <= low:
                break
            if region.end <= cursor:
                yield Gap(region.end, cursor)
            cursor = min(cursor, region.base - 1)
        if cursor >= low:
            yield Gap(low, cursor)

    # ---- changes ----------------------------------------------------------------------------------------

    def insert(self, region: R) -> None:
        """Add `region`; ValueError if it is empty or overlaps a region already in the tree."""
        base, end = region.base, region.end
        if end <= base:
            raise ValueError(f"region 0x{base:x}-0x{end:x} is empty")
        path: list[tuple[_Node[R], int]] = []
        before = after = None  # a new leaf's neighbours are the last nodes the walk to it leaves right and left
        changed = 0  # where `after` is on the path
        node = self._root
        while node is not None:
            side = int(base > node.base)
            if side == _RIGHT:
                before = node
            else:
                after, changed = node, len(path)
            path.append((node, side))
            node = node.kids[side]
        for other in (before, after):  # only the neighbours can overlap it
            if other is not None and other.base < end and base < other.region.end:
                raise ValueError(f"region 0x{base:x}-0x{end:x} overlaps region 0x{other.base:x}-"
                                 f"0x{other.region.end:x}")
        self._attach(path[-1] if path else None, _Node(region, before.region.end if before is not None else 0))
        if after is not None:
            after.prev_end = end  # its sums are brought up to date with the path's
        self._size += 1
        self._rebalance(path, changed if after is not None else len(path))

    def remove(self, region: R) -> None:
        """Take `region` (this very object) out of the tree; KeyError if it is not in it."""
        base = region.base
        path: list[tuple[_Node[R], int]] = []
        after = None  # the nearest node the walk leaves left: the next region, unless the removed one has a right
        after_at = 0
        node = self._root
        while node is not None and node.base != base:
            side = int(base > node.base)
            if side == _LEFT:
                after, after_at = node, len(path)
            path.append((node, side))
            node = node.kids[side]
        if node is None or node.region is not region:
            raise KeyError(f"region at 0x{base:x} is not in the tree")
        prev_end = node.prev_end  # the free range before the next region will begin there
        changed = len(path)  # the highest place on the path whose own free range changes (len(path): the node's)
        successor = node.kids[_RIGHT]
        if successor is not None:  # the next region is the lowest of the right subtree
            below = [(node, _RIGHT)]
            while successor.kids[_LEFT] is not None:
                below.append((successor, _LEFT))
                successor = successor.kids[_LEFT]
            successor.prev_end = prev_end
            if node.kids[_LEFT] is not None:
                # Two children: the next region moves into this node, and its own node (one child at most) goes.
                node.region, node.base = successor.region, successor.base
                path += below
                node = successor
            else:  # the right subtree takes the node's place: bring its sums up to date first
                _update(successor)
                for above, _side in reversed(below[1:]):
                    _update(above)
        elif after is not None:
            after.prev_end = prev_end
            changed = after_at
        only_child = node.kids[_LEFT] if node.kids[_LEFT] is not None else node.kids[_RIGHT]
        self._attach(path[-1] if path else None, only_child)
        self._size -= 1
        self._rebalance(path, changed)

    # ---- free space -------------------------------------------------------------------------------------

    def first_fit(self, size: int, low: int, high: int, align: int) -> int | None:
        """The lowest `align`-aligned base of a free block of `size` bytes inside [low, high] (`high` inclusive)."""
        return self._fit(size, low, high, align, lowest=True)

    def last_fit(self, size: int, low: int, high: int, align: int) -> int | None:
        """The highest such base (for top-down allocation)."""
        return self._fit(size, low, high, align, lowest=False)

    def _fit(self, size: int, low: int, high: int, align: int, lowest: bool) -> int | None:
        if align not in (PAGE, GRANULARITY):  # not one the nodes sum up: walk the gaps
            gaps = self.gaps(low, high) if lowest else self.gaps_reversed(low, high)
            return next((b for g in gaps if (b := _place(g.first, g.last, size, align, lowest)) is not None), None)
        best = "best_page" if align == PAGE else "best_64k"
        if not lowest:
            found = self._fit_tail(size, low, high, align, lowest)
            if found is not None:
                return found
        # In address order (or its reverse), past subtrees whose best block is too small or whose free ranges all
        # lie outside [low, high]: O(log n) nodes. A subtree's free ranges lie between the end of the region before
        # it and the base of the region after it, which the walk down knows (`first`, `last`). `pending` holds the
        # nodes whose own range and far subtree are still to look at, with their subtrees' bounds.
        near, far = (_LEFT, _RIGHT) if lowest else (_RIGHT, _LEFT)
        pending: list[tuple[_Node[R], int, int]] = []
        node, first, last = self._root, 0, high
        while True:
            while node is not None and getattr(node, best) >= size and last >= low and first <= high:
                pending.append((node, first, last))
                if lowest:
                    last = node.base - 1
                else:
                    first = node.region.end
                node = node.kids[near]
            if not pending:
                break
            node, first, last = pending.pop()
            if node.base - node.prev_end >= size:  # its own free range may hold the block
                found = _place(max(node.prev_end, low), min(node.base - 1, high), size, align, lowest)
                if found is not None:
                    return found
            if lowest:
                first = node.region.end
            else:
                last = node.base - 1
            node = node.kids[far]
        return self._fit_tail(size, low, high, align, lowest) if lowest else None

    def _fit_tail(self, size: int, low: int, high: int, align: int, lowest: bool) -> int | None:
        """The block in the free range after the last region, if it holds one."""
        node = self._root
        while node is not None and node.kids[_RIGHT] is not None:
            node = node.kids[_RIGHT]
        return _place(max(node.region.end if node is not None else 0, low), high, size, align, lowest)

    # ---- checks -----------------------------------------------------------------------------------------

    def check(self) -> None:
        """Verify every invariant; raise VadTreeCorrupt naming the first one broken.

        Keys match their regions' bases; regions are non-empty, in ascending order and disjoint; every stored
        height is right and the heights of the two subtrees of every node differ by one at most; each node's
        free range starts where the region before it ends, and its best blocks sum up its subtree; the
        tree holds as many nodes as it counts.
        """
        seen = 0
        stack: list[tuple[_Node[R], bool]] = [] if self._root is None else [(self._root, False)]
        while stack:  # post-order, so that both subtrees' heights are verified before their parent's
            node, children_done = stack.pop()
            if not children_done:
                seen += 1
                if seen > self._size:
                    raise VadTreeCorrupt(f"more nodes reachable than the {self._size} counted (or a cycle)")
                stack.append((node, True))
                stack.extend((kid, False) for kid in node.kids if kid is not None)
                continue
            where = f"node 0x{node.base:x}"
            if node.region.base != node.base:
                raise VadTreeCorrupt(f"{where}: its region's base moved to 0x{node.region.base:x}")
            if node.region.end <= node.base:
                raise VadTreeCorrupt(f"{where}: its region ends at 0x{node.region.end:x}, not above its base")
            left, right = (_height(kid) for kid in node.kids)
            if node.height != 1 + max(left, right):
                raise VadTreeCorrupt(f"{where}: stored height {node.height}, actual {1 + max(left, right)}")
            if abs(left - right) > 1:
                raise VadTreeCorrupt(f"{where}: unbalanced, subtree heights {left} and {right}")
        if seen != self._size:
            raise VadTreeCorrupt(f"{seen} nodes reachable, {self._size} counted")
        previous: R | None = None
        for region in self:
            if previous is not None and region.base <= previous.base:
                raise VadTreeCorrupt(f"out of order: 0x{region.base:x} after 0x{previous.base:x}")
            if previous is not None and region.base < previous.end:
                raise VadTreeCorrupt(f"0x{region.base:x} overlaps 0x{previous.base:x}-0x{previous.end:x}")
            previous = region
        self._check_free_space()

    def _check_free_space(self) -> None:
        """Each node's free range starts where the region before it ends; best blocks sum up."""
        previous_end = 0
        for node in self._walk(_RIGHT, None):
            if node.prev_end != previous_end:
                raise VadTreeCorrupt(f"node 0x{node.base:x}: its free range starts at 0x{node.prev_end:x}, "
                                     f"not 0x{previous_end:x}")
            previous_end = node.region.end
        stack: list[tuple[_Node[R], bool]] = [] if self._root is None else [(self._root, False)]
        while stack:  # post-order: the children's sums are verified before their parent's
            node, children_done = stack.pop()
            if not children_done:
                stack.append((node, True))
                stack.extend((kid, False) for kid in node.kids if kid is not None)
                continue
            stored = (node.best_page, node.best_64k)
            _update(node)
            if (node.best_page, node.best_64k) != stored:
                raise VadTreeCorrupt(f"node 0x{node.base:x}: stored best blocks {stored}, actual "
                                     f"{(node.best_page, node.best_64k)}")

    # ---- inside -----------------------------------------------------------------------------------------

    def _nearest(self, addr: int, side: int) -> _Node[R] | None:
        """The node keyed `addr`, else the nearest below it (side _LEFT) or above it (side _RIGHT)."""
        best = None
        node = self._root
        while node is not None:
            if node.base == addr:
                return node
            toward = int(node.base < addr)  # the subtree on addr's side of this node
            if toward != side:
                best = node
            node = node.kids[toward]
        return best

    def _overlap(self, base: int, end: int) -> R | None:
        """A region that has an address in [base, end): only the last one starting below `end` can."""
        node = self._nearest(end - 1, _LEFT)
        if node is not None and node.region.end > base:
            return node.region
        return None

    def _walk(self, side: int, start: int | None) -> Iterator[_Node[R]]:
        """Nodes in ascending (side _RIGHT) or descending (side _LEFT) order of address, from the first one
        keyed at or beyond `start` in that direction (from the first of all when None)."""
        back = 1 - side
        stack: list[_Node[R]] = []
        node = self._root
        while node is not None:  # the path to `start`, keeping the nodes still to come
            if start is None or node.base == start or (node.base > start) == (side == _RIGHT):
                stack.append(node)
                node = node.kids[back]
            else:
                node = node.kids[side]
        while stack:
            top = stack.pop()
            yield top
            node = top.kids[side]
            while node is not None:
                stack.append(node)
                node = node.kids[back]

    def _attach(self, link: tuple[_Node[R], int] | None, child: _Node[R] | None) -> None:
        """Hang `child` under a (parent, side) link, or as the root when there is no link."""
        if link is not None:
            parent, side = link
            parent.kids[side] = child
        else:
            self._root = child

    def _rebalance(self, path: list[tuple[_Node[R], int]], changed: int) -> None:
        """After a change below the end of `path`, fix heights, best blocks and balance from there up.

        path[changed] is the highest node whose own free range changed (len(path): none on the path did). Above
        it, a node that keeps its height and best blocks, with no rotation, leaves its ancestors as they are: the
        walk ends there (after most changes, a few levels up).
        """
        for i in range(len(path) - 1, -1, -1):
            node = path[i][0]
            height, best_page, best_64k = node.height, node.best_page, node.best_64k
            top = _balance(node)
            if top is not node:
                self._attach(path[i - 1] if i else None, top)
            elif i < changed and node.height == height and node.best_page == best_page and \
                    node.best_64k == best_64k:
                return


def _place(first: int, last: int, size: int, align: int, lowest: bool) -> int | None:
    """The lowest (or highest) `align`-aligned base of `size` bytes inside [first, last], if there is one."""
    if last < first:
        return None
    if lowest:
        base = first + align - 1 & ~(align - 1)
        return base if base + size - 1 <= last else None
    base = last + 1 - size & ~(align - 1)
    return base if base >= first and last + 1 - size >= 0 else None
