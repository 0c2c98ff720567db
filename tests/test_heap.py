"""ntdll's heap and critical sections, and kernel32's heap, local and global memory (guest/ntdll/heap.c, critsec.c,
guest/kernel32/heapapi.c, localglobal.c, critsec.c), in both widths: fixtures/src/heap.c prints what it observes;
its corruption modes must end the process with STATUS_HEAP_CORRUPTION and the emulator's one line; a program built
with mingw-w64's own import libraries uses the heap and a critical section."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pefile
import pytest

from wow64emu.kernel.console import StdStreams
from wow64emu.machine import Machine, RunOutcome
from wow64emu.nt.status import NTSTATUS

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
WIDTHS = ("x86", "x64")
NTDLL_BASE = {"x86": 0x77C00000, "x64": 0x7FFFFED40000}  # the image bases of the two ntdlls
EXCEPTION_NONCONTINUABLE = 1


def run(program: Path, *args: str, root: Path) -> tuple[RunOutcome, str, Machine]:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(program, list(args), root=root, streams=streams, trace=frozenset())
    outcome = machine.run(timeout=60)
    return outcome, streams.stdout.getvalue().decode(), machine


def critical_section(what: str, lock_count: int, recursion: int, owner: str, spin: int = 0,
                     debug: str = "-1") -> str:
    return (f"{what}: DebugInfo={debug} LockCount={lock_count} RecursionCount={recursion} OwningThread={owner} "
            f"LockSemaphore=0 SpinCount={spin}\n")


def expected(width: str) -> str:
    wide = width == "x64"
    return "".join([
        # The process heap: created before any DLL ran, in the PEB of the program's width (the 32-bit PEB under
        # WoW64), with the image's sizes (mingw-w64's defaults: 1 MB reserved, one page committed); the PEB's list
        # of heaps is the array after the PEB, in its page, as the kernel places it.
        "PEB.ProcessHeap is GetProcessHeap()=1\nPEB.NumberOfHeaps=1\n",
        f"PEB.MaximumNumberOfHeaps={263 if wide else 736}\n",
        "PEB.ProcessHeaps[0] is the process heap=1\nPEB.ProcessHeaps follows the PEB in its page=1\n",
        "PEB.HeapSegmentReserve=0x100000\nPEB.HeapSegmentCommit=0x2000\n",
        "GetProcessHeaps=1\nGetProcessHeaps gave the process heap=1\nthe process heap is 64 KB aligned=1\n",
        "process heap reserved (SizeOfHeapReserve)=0x100000\n",
        "process heap committed at start (SizeOfHeapCommit)=0x1000\n",
        "HeapDestroy(process heap)=0\n  error=6\n",
        # Critical sections: Windows 8's LockCount encoding, no debug information unless forced.
        f"sizeof(CRITICAL_SECTION)={40 if wide else 24}\n",
        critical_section("InitializeCriticalSection", -1, 0, "0"),
        critical_section("EnterCriticalSection", -2, 1, "self"),
        critical_section("EnterCriticalSection again", -2, 2, "self"),
        "TryEnterCriticalSection=1\n",
        critical_section("  after it", -2, 3, "self"),
        critical_section("LeaveCriticalSection", -2, 2, "self"),
        critical_section("LeaveCriticalSection twice more", -1, 0, "0"),
        critical_section("DeleteCriticalSection", 0, 0, "0", debug="0"),
        "InitializeCriticalSectionAndSpinCount(4000)=1\n",
        critical_section("  fields", -1, 0, "0", spin=4000),
        "SetCriticalSectionSpinCount(100) returned=4000\n",
        critical_section("  fields", -1, 0, "0", spin=100),
        "InitializeCriticalSectionEx(FORCE_DEBUG_INFO)=1\n",
        critical_section("  fields", -1, 0, "0", debug="allocated"),
        "  DebugInfo->CriticalSection is it=1\n  DebugInfo->Type=0\n",
        "InitializeCriticalSectionEx(flags 1)=0\n  error=87\n",
        "InitializeCriticalSectionEx(spin 0x80000000)=0\n  error=87\n",
        # Blocks.
        "blocks aligned to 2 pointers=1\nHeapSize is the size asked for=1\n0-byte blocks are distinct=1\n"
        "  HeapSize=0\nHEAP_ZERO_MEMORY zeroes a reused block=1\nHeapFree(NULL)=1\n"
        "HeapSize(a stack address) is -1=1\nHeapValidate(a stack address)=0\nHeapValidate(the heap)=1\n",
        "HeapReAlloc grows in place into free space=1\nHeapReAlloc shrinks in place=1\n  HeapSize=50\n"
        "HEAP_REALLOC_IN_PLACE_ONLY with a busy neighbour is NULL=1\nHeapReAlloc moves it=1\n  the data kept=1\n"
        "  HEAP_ZERO_MEMORY zeroes what was added=1\n  HeapSize=1000\nHeapReAlloc(NULL) is NULL=1\n"
        "HeapValidate=1\n",
        # Growth: the first segment committed page by page to its end, then a new segment.
        "HeapCreate: the heaps=2\n  the new heap is the last=1\n  committed at first=0x1000\n"
        "400 blocks of 1000 bytes in a heap of 64 pages=1\n  some in a new segment=1\n"
        "  the first segment committed to its end=1\n  HeapValidate=1\nHeapDestroy=1\n  the heaps=1\n"
        "  its memory released=1\n",
        "a fixed heap of 64 KB fills up (blocks of 1000 bytes, 55 to 64)=1\n  and refuses 1 MB=1\n",
        "HEAP_GENERATE_EXCEPTIONS: HeapAlloc(1 MB) returns NULL after the exception=1\n"
        "  code=0xc0000017\n  flags=0\n  parameters=1\n  parameter 0 (the size)=0x100000\n",
        # Above the threshold a block is an allocation of its own, after a HEAP_VIRTUAL_ALLOC_ENTRY.
        f"a block of 2 MB: its offset in its allocation={'0x40' if wide else '0x20'}\n",
        "  HeapSize=0x200000\n  HeapReAlloc shrinks it in place=1\n  HeapFree=1\n  released=1\n",
        "3000 blocks, 1500 freed, 1500 more, 1000 reallocated: each holds its own bytes=1\n  HeapValidate=1\n"
        "all freed: HeapValidate=1\n  the free blocks coalesced (HeapCompact > 200 KB)=1\n",
        "three freed neighbours make one block=1\n",
        "HeapQueryInformation=1\n  value=0\n  length=4\nHeapSetInformation(2: the low-fragmentation heap)=1\n"
        "  then the value=2\nHeapQueryInformation into 2 bytes=0\n  error=122\n  length=4\n"
        "HeapSetInformation(HeapEnableTerminationOnCorruption)=1\nHeapLock=1\nHeapUnlock=1\n"
        "HEAP_NO_SERIALIZE: HeapSetInformation(2)=0\n  error=87\n"
        "HEAP_CREATE_ENABLE_EXECUTE: the protection of its pages=0x40\n"
        "a fixed-size heap: HeapSetInformation(2)=0\n  error=87\n"
        "HeapSetInformation(HeapOptimizeResources, version 1)=1\n  version 2=0\n  error=87\n",
        # HeapWalk: the region, its blocks in order, its uncommitted end, then the blocks of their own.
        "HeapWalk:\n  region: at the heap=1 committed=0x1000 uncommitted=0x3f000 last block=0x40000\n  busy 100 (a)\n"
        "  free (b)\n  busy 300 (c)\n  free\n  uncommitted range ends the region=1\n  busy 2097152 (big)\n"
        "  end: error=259\n",
        # Local and global memory: fixed pointers, moveable handles that are not pointers, lock counts.
        "LocalAlloc(LPTR): aligned=1\n  LocalSize=10\n  LocalFlags=0\n  LocalLock is the pointer=1\n"
        "  LocalUnlock=0\n  error=158\n  GlobalUnlock=1\n  LocalHandle is the pointer=1\n  LocalFree=1\n",
        "LocalAlloc(LHND): the handle is half a granule off=1\n  LocalFlags=0\n"
        "  LocalLock: aligned data, not the handle=1\n  zeroed=1\n  LocalFlags=1\n  GlobalLock again is the same=1\n"
        "  LocalFlags=2\n  LocalHandle of the data is the handle=1\n  LocalSize=10\n  LocalUnlock=1\n"
        "  LocalUnlock=0\n  error=0\n  LocalUnlock=0\n  error=158\n",
        "  LocalReAlloc(5000, LMEM_MOVEABLE) keeps the handle=1\n  LocalSize=5000\n  the data kept=1\n"
        "  LocalReAlloc(0, LMEM_MOVEABLE) discards it=1\n  LocalFlags=0x4000\n  LocalLock is NULL=1\n"
        "  error=157\n  LocalFree=1\n  LocalFree again returns the handle=1\n  error=6\n  LocalFlags=0x8000\n",
        "GlobalAlloc(GMEM_MOVEABLE | GMEM_DISCARDABLE): GlobalFlags=0x100\n  LocalFlags=0xf00\n"
        "  GlobalHandle of the data=1\n  GlobalSize=16\n  GlobalFree=1\n",
        "LocalAlloc(LMEM_MOVEABLE, 0): LocalFlags=0x4000\nLocalAlloc(0x1000)=1\n  error=87\n",
    ])


@pytest.mark.parametrize("width", WIDTHS)
def test_the_heap_and_critical_sections_behave_as_windows(tmp_path: Path, width: str) -> None:
    outcome, out, _ = run(BIN / width / "heap.exe", root=tmp_path)
    assert outcome.exit_status == 0, out
    assert out == expected(width)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("mode", ["doublefree", "notablock", "header", "overflow", "realloc"])
def test_corruption_ends_the_process_with_status_heap_corruption(tmp_path: Path, width: str, mode: str) -> None:
    """RtlReportCriticalFailure: no handler runs, not even the vectored one that would continue; the exception's
    one parameter is the heap's failure information, inside ntdll."""
    outcome, out, machine = run(BIN / width / "heap.exe", mode, root=tmp_path)
    assert (outcome.exit_status, out) == (NTSTATUS.HEAP_CORRUPTION, "corrupting\n")
    record = machine.process.unhandled
    assert record is not None and record.code == NTSTATUS.HEAP_CORRUPTION and record.flags == EXCEPTION_NONCONTINUABLE
    base = NTDLL_BASE[width]
    assert base <= record.address < base + 0x100000 and len(record.params) == 1
    assert base <= record.params[0] < base + 0x100000


@pytest.mark.parametrize("width", WIDTHS)
def test_the_cli_reports_heap_corruption_in_one_line(width: str) -> None:
    done = subprocess.run([sys.executable, "-m", "wow64emu", "run", str(BIN / width / "heap.exe"), "doublefree"],
                          capture_output=True, timeout=120)
    assert (done.returncode, done.stdout) == (0x74, b"corrupting\n")
    lines = done.stderr.decode().splitlines()
    assert lines[0].startswith("wow64emu: unhandled exception 0xC0000374 (STATUS_HEAP_CORRUPTION) at 0x")
    assert lines[1:] == ["wow64emu: exit status 0xC0000374 (STATUS_HEAP_CORRUPTION)"]


@pytest.mark.parametrize("width", WIDTHS)
def test_heap_alloc_and_free_make_no_system_call(tmp_path: Path, width: str) -> None:
    """The fast path is guest code only: 2000 more HeapAlloc+HeapFree pairs, not one more system call."""
    few, out_few, _ = run(BIN / width / "heap.exe", "bench", "10", root=tmp_path)
    many, out_many, _ = run(BIN / width / "heap.exe", "bench", "2010", root=tmp_path)
    assert (out_few, out_many) == ("bench 10\n", "bench 2010\n")
    assert few.syscalls == many.syscalls


@pytest.mark.parametrize("width", WIDTHS)
def test_a_process_heap_that_cannot_be_reserved_ends_the_process_with_status_no_memory(tmp_path: Path,
                                                                                        width: str) -> None:
    """The image asks for more heap than its address space holds: process initialisation fails before any DLL
    runs or the program prints."""
    pe = pefile.PE(str(BIN / width / "hello.exe"))
    pe.OPTIONAL_HEADER.SizeOfHeapReserve = 0xFFFF0000 if width == "x86" else 0x7FFFFFFF0000
    program = tmp_path / "bigheap.exe"
    program.write_bytes(pe.write())
    outcome, out, _ = run(program, root=tmp_path / "c")
    assert (outcome.exit_status, out) == (NTSTATUS.NO_MEMORY, "")


# A program of the standard toolchain: mingw-w64's own kernel32 import library, its own heap sizes in the header.
TOOLCHAIN_PROGRAM = r"""
#include <windows.h>

static void out(const char *s)
{
    DWORD n = 0, written;
    while (s[n])
        n++;
    WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), s, n, &written, NULL);
}

static void fact(const char *what, int ok)
{
    out(what);
    out(ok ? " yes\n" : " no\n");
}

void start(void)
{
    HANDLE heap = GetProcessHeap();
    CRITICAL_SECTION cs;
    MEMORY_BASIC_INFORMATION mbi;
    SIZE_T reserved = 0;
    char *blocks[100];
    int ok = 1;

    InitializeCriticalSection(&cs);
    EnterCriticalSection(&cs);
    fact("entered", cs.RecursionCount == 1 && cs.LockCount == -2 && TryEnterCriticalSection(&cs));
    LeaveCriticalSection(&cs);
    LeaveCriticalSection(&cs);
    fact("left", cs.RecursionCount == 0 && cs.LockCount == -1 && cs.OwningThread == NULL);
    for (int i = 0; i < 100; i++) {
        blocks[i] = HeapAlloc(heap, HEAP_ZERO_MEMORY, 10 + i * 37);
        ok &= blocks[i] != NULL && blocks[i][9 + i * 37] == 0;
        blocks[i][0] = (char)i;
    }
    for (int i = 0; i < 100; i += 2)
        ok &= HeapFree(heap, 0, blocks[i]);
    for (int i = 1; i < 100; i += 2) {
        blocks[i] = HeapReAlloc(heap, 0, blocks[i], 5000);
        ok &= blocks[i] != NULL && blocks[i][0] == (char)i && HeapSize(heap, 0, blocks[i]) == 5000;
        ok &= HeapFree(heap, 0, blocks[i]);
    }
    fact("blocks", ok && HeapValidate(heap, 0, NULL));
    for (char *at = heap; VirtualQuery(at, &mbi, sizeof mbi) && mbi.AllocationBase == heap; at += mbi.RegionSize)
        reserved += mbi.RegionSize;
    fact("the image's heap reserve", reserved == 0x200000);
    VirtualQuery(heap, &mbi, sizeof mbi);
    fact("the image's heap commit", mbi.RegionSize >= 0x3000);
    DeleteCriticalSection(&cs);
    ExitProcess(0);
}
"""

COMPILERS = {"x86": "i686-w64-mingw32-gcc", "x64": "x86_64-w64-mingw32-gcc"}


@pytest.mark.parametrize("width", WIDTHS)
def test_a_program_of_the_standard_toolchain_uses_the_heap(tmp_path: Path, width: str) -> None:
    compiler = shutil.which(COMPILERS[width])
    if compiler is None:
        pytest.skip(f"{COMPILERS[width]} is not installed")
    source = tmp_path / "prog.c"
    source.write_text(TOOLCHAIN_PROGRAM)
    exe = tmp_path / "prog.exe"
    entry = "start" if width == "x64" else "_start"  # i686 C symbols get an underscore
    # No C runtime: -fno-tree-loop-distribute-patterns keeps gcc from turning a loop into a call of strlen.
    subprocess.run([compiler, "-O2", "-nostdlib", "-fno-stack-protector", "-fno-tree-loop-distribute-patterns",
                    "-e", entry, "-Xlinker", "--heap", "-Xlinker", "0x200000,0x3000", str(source), "-o", str(exe),
                    "-lkernel32"],
                   check=True, capture_output=True, timeout=120)
    outcome, out, _ = run(exe, root=tmp_path / "c")
    assert outcome.exit_status == 0, out
    assert out == ("entered yes\nleft yes\nblocks yes\nthe image's heap reserve yes\nthe image's heap commit yes\n")
