"""Host file descriptors, pooled: a guest may hold as many files open as its handle table allows (Windows caps
handles, not open files), while the emulator keeps at most `limit` host descriptors open, so a guest never makes
the host run out of them (EMFILE) and never sees that it could.

A file whose descriptor was closed to make room is opened again, by its path at that time (a rename through the
volume moves the path with it), the next time it is used; the least recently used descriptor goes first. Reopening
a file the guest has since made read-only keeps the access its handle was granted, as on Windows: the host's
write permission is lent for the moment of the open. The default limit is half the soft RLIMIT_NOFILE, at most
1024: the other half is for Python, Unicorn and the host's own streams.
"""

from __future__ import annotations

import errno
import os
import stat
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

try:
    import resource
except ImportError:  # Windows hosts: no RLIMIT_NOFILE; the C runtime's limit is 8192 (_setmaxstdio)
    resource = None  # type: ignore[assignment]

_O_BINARY = getattr(os, "O_BINARY", 0)
_MAX_POOL = 1024
_MIN_POOL = 8


def default_limit() -> int:
    if resource is None:
        return _MAX_POOL
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return _MAX_POOL
    return max(_MIN_POOL, min(_MAX_POOL, soft // 2))


class HostFile:
    """One open host file, read and written at explicit offsets; its descriptor may come and go."""

    def __init__(self, pool: HostFiles, path: Callable[[], Path], flags: int, fd: int) -> None:
        self._pool = pool
        self._path = path
        self._flags = flags
        self._fd: int | None = fd
        self.closed = False

    def fd(self) -> int:
        """The descriptor, opened again if the pool took it; raises OSError as os.open does (EBADF once closed)."""
        if self.closed:
            raise OSError(errno.EBADF, "the file was closed")
        if self._fd is None:
            self._pool.make_room()
            self._fd = _reopen(self._path(), self._flags)
        self._pool.used(self)
        return self._fd

    def pread(self, length: int, offset: int) -> bytes:
        """Up to `length` bytes from `offset`: fewer only at the end of the file."""
        chunks = []
        fd = self.fd()
        while length > 0:
            chunk = os.pread(fd, length, offset)
            if not chunk:
                break
            chunks.append(chunk)
            offset += len(chunk)
            length -= len(chunk)
        return b"".join(chunks)

    def pwrite(self, data: bytes, offset: int | None) -> int:
        """Write all of `data` at `offset` (None: at the end of the file); the offset just past it."""
        fd = self.fd()
        if offset is None:
            offset = os.fstat(fd).st_size
        view = memoryview(data)
        while view:
            written = os.pwrite(fd, view, offset)
            offset += written
            view = view[written:]
        return offset

    def truncate(self, size: int) -> None:
        os.ftruncate(self.fd(), size)

    def sync(self) -> None:
        os.fsync(self.fd())

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self._pool.forget(self)
        self._drop()

    def _drop(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)


class HostFiles:
    """The pool: every HostFile of a System, in order of last use."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = max(1, limit if limit is not None else default_limit())
        self._open: OrderedDict[int, HostFile] = OrderedDict()  # id(file) -> file, those holding a descriptor

    @property
    def descriptors(self) -> int:
        """How many host descriptors the pool holds now."""
        return len(self._open)

    def open(self, path: Callable[[], Path], flags: int) -> HostFile:
        """Open the file `path()` names with os.open's `flags` (creation flags apply to this first open only)."""
        self.make_room()
        fd = os.open(path(), flags | _O_BINARY)
        file = HostFile(self, path, flags & ~(os.O_CREAT | os.O_EXCL | os.O_TRUNC), fd)
        self._open[id(file)] = file
        return file

    def used(self, file: HostFile) -> None:
        """`file` holds a descriptor and was just used: the last to be taken."""
        self._open[id(file)] = file
        self._open.move_to_end(id(file))

    def forget(self, file: HostFile) -> None:
        self._open.pop(id(file), None)

    def make_room(self) -> None:
        """Close the least recently used descriptors until one more fits."""
        while len(self._open) >= self.limit:
            _, oldest = self._open.popitem(last=False)
            oldest._drop()


def _reopen(path: Path, flags: int) -> int:
    try:
        return os.open(path, flags | _O_BINARY)
    except PermissionError:
        if flags & (os.O_WRONLY | os.O_RDWR) == 0:
            raise
    mode = stat.S_IMODE(os.stat(path).st_mode)  # made read-only since: the handle keeps its write access
    os.chmod(path, mode | stat.S_IWUSR)
    try:
        return os.open(path, flags | _O_BINARY)
    finally:
        os.chmod(path, mode)
