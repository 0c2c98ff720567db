"""The pool of host file descriptors: any number of open files on a bounded number of descriptors."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from wow64emu.kernel.hostfiles import HostFiles


def test_files_beyond_the_limit_share_the_descriptors(tmp_path: Path) -> None:
    pool = HostFiles(limit=3)
    files = [pool.open(lambda i=i: tmp_path / f"f{i}", os.O_RDWR | os.O_CREAT) for i in range(10)]
    for i, f in enumerate(files):
        assert f.pwrite(b"file %d" % i, 0) == len(b"file %d" % i)
        assert pool.descriptors <= 3
    for i, f in enumerate(files):
        assert f.pread(100, 0) == b"file %d" % i
        assert f.pwrite(b"!", None) == len(b"file %d!" % i)  # None: at the end
    assert [(tmp_path / f"f{i}").read_bytes() for i in range(10)] == [b"file %d!" % i for i in range(10)]
    for f in files:
        f.close()
    assert pool.descriptors == 0


def test_the_least_recently_used_descriptor_goes_first(tmp_path: Path) -> None:
    pool = HostFiles(limit=2)
    a, b = (pool.open(lambda n=n: tmp_path / n, os.O_RDWR | os.O_CREAT) for n in "ab")
    a.pread(1, 0)  # a is now the most recent
    pool.open(lambda: tmp_path / "c", os.O_RDWR | os.O_CREAT)
    assert a._fd is not None and b._fd is None


def test_a_file_is_opened_again_by_its_path_at_that_time(tmp_path: Path) -> None:
    where = {"path": tmp_path / "old"}
    pool = HostFiles(limit=1)
    moved = pool.open(lambda: where["path"], os.O_RDWR | os.O_CREAT)
    moved.pwrite(b"data", 0)
    pool.open(lambda: tmp_path / "other", os.O_RDWR | os.O_CREAT)  # takes the only descriptor
    os.rename(where["path"], tmp_path / "new")
    where["path"] = tmp_path / "new"  # as a rename through the volume moves its node
    assert moved.pread(4, 0) == b"data"


def test_creation_flags_apply_to_the_first_open_only(tmp_path: Path) -> None:
    pool = HostFiles(limit=1)
    first = pool.open(lambda: tmp_path / "f", os.O_RDWR | os.O_CREAT | os.O_TRUNC)
    first.pwrite(b"kept", 0)
    pool.open(lambda: tmp_path / "g", os.O_RDWR | os.O_CREAT)
    assert first.pread(4, 0) == b"kept"  # reopened without O_TRUNC


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes to read-only files anyway")
def test_a_handle_keeps_its_write_access_when_the_file_is_made_read_only(tmp_path: Path) -> None:
    pool = HostFiles(limit=1)
    f = pool.open(lambda: tmp_path / "f", os.O_RDWR | os.O_CREAT)
    pool.open(lambda: tmp_path / "g", os.O_RDWR | os.O_CREAT)
    os.chmod(tmp_path / "f", stat.S_IRUSR)
    assert f.pwrite(b"still", 0) == 5
    assert not os.stat(tmp_path / "f").st_mode & stat.S_IWUSR  # and it stays read-only



def test_a_closed_file_is_never_opened_again(tmp_path: Path) -> None:
    pool = HostFiles(limit=4)
    f = pool.open(lambda: tmp_path / "f", os.O_RDWR | os.O_CREAT)
    f.close()
    with pytest.raises(OSError):
        f.pread(1, 0)
    assert pool.descriptors == 0
