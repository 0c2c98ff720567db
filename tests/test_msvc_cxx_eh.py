"""C++ exceptions of MSVC-built programs: vcruntime140's __CxxFrameHandler3 (guest/vcruntime/cxx_frame_x86.c,
cxx_frame_x64.c, cxx_match.c) over the tables clang emits in MSVC mode, as MSVC does (fixtures/src/msvc_cxx_eh.cpp,
built by guest/build.sh with clang-14 and lld-link-14). x86 goes through the fs:[0] chain and the whole WoW64
path, x64 through RtlUnwindEx's STATUS_UNWIND_CONSOLIDATE and the catch funclets."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.peread import exports
from tests.toolchain import NO_CRT, build, run_program
from wow64emu.emu.trace import Tracer
from wow64emu.emu.tracejsonl import JsonlSink
from wow64emu.kernel.console import StdStreams
from wow64emu.machine import Machine

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
SYSROOT = Path(__file__).resolve().parent.parent / "wow64emu" / "sysroot" / "Windows"
WIDTHS = ["x86", "x64"]


def run(width: str, *args: str, root: Path, trace: frozenset[str] = frozenset()) -> tuple[int, str, list[dict]]:
    out = io.StringIO()
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(BIN / width / "msvc_cxx_eh.exe", list(args), root=root, streams=streams,
                      tracer=Tracer(JsonlSink(out)) if trace else None, trace=trace)
    outcome = machine.run(timeout=60)
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    return outcome.exit_status, streams.stdout.getvalue().decode(), events


EVERY_CASE = """\
caught int by value 42
caught Derived as Base&: derived message
caught Derived* as Base*: thrown by pointer
caught double by catch (...)
construct middle local
construct inner local
destroy inner local
destroy middle local
caught int from two frames down 5
outer catch (char): x
inner catch, rethrowing Counted 1
outer catch of the rethrown Counted 1
destroy Counted 1
construct catch block local
destroy catch block local
destroy Counted 2
caught: thrown from a catch block
copy Counted 103
caught Counted by value 103
destroy Counted 103
destroy Counted 3
caught Diamond as its virtual base, tag 7
inner: caught inside a catch block
back in the outer catch
uncaught exceptions during the unwind 1
uncaught exceptions in the catch block 0
done
"""


def test_the_fixture_is_msvc_code() -> None:
    # The property under test: both builds import __CxxFrameHandler3 and _CxxThrowException from vcruntime140.
    for width in WIDTHS:
        image = (BIN / width / "msvc_cxx_eh.exe").read_bytes()
        assert b"vcruntime140.dll" in image and b"__CxxFrameHandler3" in image and b"_CxxThrowException" in image


@pytest.mark.parametrize("width", WIDTHS)
def test_catch_blocks_destructors_rethrow_and_nested_exceptions(width: str, tmp_path: Path) -> None:
    status, out, _ = run(width, root=tmp_path)
    assert (status, out) == (0, EVERY_CASE)


@pytest.mark.parametrize("width", WIDTHS)
def test_an_uncaught_exception_ends_in_terminate_and_abort(width: str, tmp_path: Path) -> None:
    # MSVC's start-up filter calls terminate() for a C++ exception no frame takes; the UCRT's abort ends the
    # process with __fastfail(FAST_FAIL_FATAL_APP_EXIT): 0xC0000409, as a Windows 10 release build does. The
    # search pass found no catch, so no destructor ran.
    status, out, _ = run(width, "uncaught", root=tmp_path)
    assert (status, out) == (0xC0000409, "construct main local\n")


@pytest.mark.parametrize("width", WIDTHS)
def test_catch_all_does_not_take_an_access_violation_under_ehs(width: str, tmp_path: Path) -> None:
    # /EHs (FuncInfo's FI_EHS_FLAG): catch (...) takes C++ exceptions only; the fault ends the process.
    status, out, _ = run(width, "seh", root=tmp_path)
    assert (status, out) == (0xC0000005, "")


# A hostile program hands __CxxFrameHandler3 corrupt tables (called as the dispatcher calls it): unwind maps that
# loop or climb end the unwind, and a FuncInfo without the magic ends the process in terminate() (Windows'
# _inconsistency()), never a hang or an emulator error.
CORRUPT = r"""
#include <windows.h>
static void out(const char *s) { DWORD n; WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), s, lstrlenA(s), &n, 0); }
typedef struct { int to_state; DWORD action; } unwind_entry;
typedef struct { DWORD magic; int max_state; DWORD unwind_map, try_count, try_map, ip_count, ip_map;
#ifdef _WIN64
                 int unwind_help;
#endif
                 DWORD es_types, flags; } func_info;
typedef struct { DWORD ip; int state; } ip_state;
static unwind_entry looping[3] = {{-1, 0}, {1, 0}, {7, 0}};   /* state 1 falls to itself, state 2 climbs */
static ip_state ip_map[1];
static func_info info;
static char *image;
static DWORD ref(void *p)
{
#ifdef _WIN64
    return (DWORD)((char *)p - image);
#else
    return (DWORD)(UINT_PTR)p;
#endif
}
static void *handler;
static int call(int state, DWORD flags)
{
    EXCEPTION_RECORD record = {0xE06D7363, flags};
    CONTEXT context = {0};
    int result;
#ifdef _WIN64
    static RUNTIME_FUNCTION function;
    static DWORD handler_data;
    DISPATCHER_CONTEXT dc = {0};
    ULONG64 frame[4] = {0};
    typedef int (*handler_t)(EXCEPTION_RECORD *, void *, CONTEXT *, DISPATCHER_CONTEXT *);
    ip_map[0] = (ip_state){0, state};
    handler_data = ref(&info);
    dc.ControlPc = (ULONG64)image + 0x1000;
    dc.ImageBase = (ULONG64)image;
    dc.FunctionEntry = &function;
    dc.HandlerData = &handler_data;
    result = ((handler_t)handler)(&record, frame, &context, &dc);
#else
    struct { void *esp; void *next, *handler; int state; } node = {0, 0, 0, state};
    void *target = handler;                      /* the FuncInfo in eax, as the __ehhandler stubs pass it */
    __asm__ volatile("push $0\n\tpush %4\n\tpush %3\n\tpush %2\n\tcall *%1\n\tadd $16, %%esp"
                     : "=a"(result), "+c"(target) : "S"(&record), "D"(&node.next), "b"(&context), "a"(&info)
                     : "edx", "memory");
#endif
    return result;
}
void start(void)
{
    image = (char *)GetModuleHandleA(0);
    handler = GetProcAddress(LoadLibraryA("vcruntime140.dll"), "__CxxFrameHandler3");
    info = (func_info){0x19930522, 3, ref(looping), 0, 0, 1, ref(ip_map)};
    out(call(1, EXCEPTION_UNWINDING) == ExceptionContinueSearch ? "a looping unwind map ends\n" : "wrong\n");
    out(call(2, EXCEPTION_UNWINDING) == ExceptionContinueSearch ? "a climbing unwind map ends\n" : "wrong\n");
    out(call(2, 0) == ExceptionContinueSearch ? "no try block: the search goes on\n" : "wrong\n");
    info.magic = 0x12345678;
    call(1, 0);
    out("not reached\n");
    ExitProcess(0);
}
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_corrupt_tables_end_the_unwind_or_the_process_never_the_emulator(width: str, tmp_path: Path) -> None:
    program = build(CORRUPT, tmp_path / "corrupt.exe", width, flags=NO_CRT, libs=("kernel32",))
    (tmp_path / "c").mkdir()
    ran = run_program(program, tmp_path / "c", timeout=60)
    assert (ran.status, ran.stdout) == (0xC0000409, "a looping unwind map ends\na climbing unwind map ends\n"
                                                    "no try block: the search goes on\n")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_exception_trace_shows_the_search_and_the_unwind_to_the_catch(width: str, tmp_path: Path) -> None:
    _, _, events = run(width, root=tmp_path, trace=frozenset({"exceptions"}))
    calls = [e for e in events if e["layer"] == width and e["event"] in ("handler", "unwind")]
    searches = [i for i, e in enumerate(calls) if e["event"] == "handler"]
    search = calls[searches[0]]                          # the first throw, caught in the frame that threw it
    unwinds = calls[searches[0] + 1:searches[1]]
    assert search["flags"] == 0x1                        # EXCEPTION_NONCONTINUABLE: the search pass
    if width == "x64":
        # RtlUnwindEx to the catching frame: its handler is called again with EXCEPTION_TARGET_UNWIND (0x20), then
        # the catch's continuation is a NtContinue.
        assert any(e["frame"] == search["frame"] and e["flags"] & 0x20 for e in unwinds)
        assert any(e["layer"] == "kernel" and e["event"] == "continue" for e in events)
    else:
        # RtlUnwind of the registrations above the catching frame's (the dispatcher's own); the catching frame's
        # own stays linked, its handler not called to unwind.
        assert unwinds and all(e["frame"] < search["frame"] for e in unwinds)


def test_older_compilers_handler_names_are_the_same_x86_handler() -> None:
    names = exports(SYSROOT / "SysWOW64" / "vcruntime140.dll")
    handlers = {names[name].address for name in ("__CxxFrameHandler", "__CxxFrameHandler2", "__CxxFrameHandler3")}
    assert len(handlers) == 1
