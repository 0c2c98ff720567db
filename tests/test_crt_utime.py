"""_utime and its family (guest/crt/utime.c): a file's times set from time_t values and read back with _stat, in a
program built by mingw-w64's gcc as a user builds it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.toolchain import build_and_run

UTIME = r"""
#include <stdio.h>
#include <sys/stat.h>
#include <sys/utime.h>
#include <errno.h>
int main(void)
{
    struct _utimbuf times = {1000000000, 1234567890};
    struct _stat st;
    FILE *f = fopen("stamped.txt", "w");
    fputs("x", f);
    fclose(f);
    printf("_utime: %d\n", _utime("stamped.txt", &times));
    _stat("stamped.txt", &st);
    printf("atime %lld mtime %lld\n", (long long)st.st_atime, (long long)st.st_mtime);
    printf("now: %d\n", _utime("stamped.txt", NULL));
    _stat("stamped.txt", &st);
    printf("recent: %d\n", st.st_mtime > 1600000000);
    printf("missing: %d", _utime("missing.txt", &times));
    printf(" errno %d\n", errno);
    return 0;
}
"""


@pytest.mark.parametrize("width", ["x86", "x64"])
def test_utime_sets_and_stat_reads_the_times(width: str, tmp_path: Path) -> None:
    ran = build_and_run(UTIME, tmp_path, width)
    assert (ran.status, ran.stdout) == (0, "_utime: 0\r\natime 1000000000 mtime 1234567890\r\nnow: 0\r\nrecent: 1\r\n"
                                           "missing: -1 errno 2\r\n")
