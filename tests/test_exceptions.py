"""Exceptions as Windows dispatches them: a fault in guest code becomes an EXCEPTION_RECORD and a CONTEXT on the user
stack, the 64-bit KiUserExceptionDispatcher runs, and for 32-bit code wow64 hands the exception to the 32-bit ntdll,
whose vectored handlers and fs:[0] chain see an EXCEPTION_RECORD32 and an i386 CONTEXT; NtContinue resumes the
CONTEXT a handler changed. Bad input ends the process with the code Windows gives, never a hang."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.oracle import Coverage, check
from wow64emu.emu.trace import Tracer
from wow64emu.emu.tracejsonl import JsonlSink
from wow64emu.kernel.console import StdStreams
from wow64emu.machine import Machine
from wow64emu.nt.status import NTSTATUS

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"


def run(program: str, *args: str, width: str = "x86", root: Path, trace: frozenset[str] = frozenset(),
        events: list[dict] | None = None) -> tuple[int, str, Machine]:
    out = io.StringIO()
    tracer = Tracer(JsonlSink(out)) if trace else None
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    machine = Machine(BIN / width / program, list(args), root=root, streams=streams, tracer=tracer, trace=trace)
    outcome = machine.run(timeout=30)
    if events is not None:
        events.extend(json.loads(line) for line in out.getvalue().splitlines())
    return outcome.exit_status, streams.stdout.getvalue().decode(), machine


def test_every_fault_kind_reaches_a_vectored_handler_the_same_in_both_widths(tmp_path: Path,
                                                                             oracle_coverage: Coverage) -> None:
    out = check("oracle_exceptions", tmp_path, oracle_coverage).stdout
    at_site = "  address at the site=1 pc at the site=1 pc after it=0\n  returned=0x00001234\n"
    for site, record in [
        ("av_read", "code=0xc0000005 flags=0x00000000 parameters=2 info0=0x00000000 info1=0x00000000"),
        ("av_write", "code=0xc0000005 flags=0x00000000 parameters=2 info0=0x00000001 info1=0x00000010"),
        ("divide", "code=0xc0000094 flags=0x00000000 parameters=0"),
        ("breakpoint", "code=0x80000003 flags=0x00000000 parameters=1 info0=0x00000000"),  # Rip at the int3
        ("illegal", "code=0xc000001d flags=0x00000000 parameters=0"),
        ("privileged_cli", "code=0xc0000096 flags=0x00000000 parameters=0"),
        ("privileged_hlt", "code=0xc0000096 flags=0x00000000 parameters=0"),
        ("assertion", "code=0xc0000420 flags=0x00000000 parameters=0"),
        ("bad_selector", "code=0xc0000005 flags=0x00000000 parameters=2 info0=0x00000000 info1=-1"),
        # a #DE is a divide by zero only when the divisor (register or memory) is zero, else an integer overflow
        ("divide_overflow", "code=0xc0000095 flags=0x00000000 parameters=0"),  # INT32_MIN / -1
        ("divide_overflow_native", "code=0xc0000095 flags=0x00000000 parameters=0"),  # INT64_MIN / -1 in x64
        ("divide_overflow16", "code=0xc0000095 flags=0x00000000 parameters=0"),
        ("divide_overflow8", "code=0xc0000095 flags=0x00000000 parameters=0"),
        ("divide_unsigned_overflow", "code=0xc0000095 flags=0x00000000 parameters=0"),  # 2^32 / 1
        ("divide_high_byte_zero", "code=0xc0000094 flags=0x00000000 parameters=0"),  # div ch, ch = 0, cl = 0xff
        ("divide_memory_zero", "code=0xc0000094 flags=0x00000000 parameters=0"),
        ("divide_memory_overflow", "code=0xc0000095 flags=0x00000000 parameters=0"),
        # port I/O at CPL 3
        ("privileged_in", "code=0xc0000096 flags=0x00000000 parameters=0"),
        ("privileged_out", "code=0xc0000096 flags=0x00000000 parameters=0"),
        ("privileged_ins", "code=0xc0000096 flags=0x00000000 parameters=0"),  # [edi] unwritable: still privileged
        ("privileged_outs", "code=0xc0000096 flags=0x00000000 parameters=0"),
    ]:
        assert f"{site}:\n  {record}\n{at_site}" in out, site
    # A single step is reported after the instruction, where the thread goes on.
    assert ("single_step:\n  code=0x80000004 flags=0x00000000 parameters=0\n"
            "  address at the site=0 pc at the site=0 pc after it=1\n  returned=0x00001234\n") in out
    # The handler added first runs first; the continue handlers run after each continued exception.
    assert "vectored handlers: first called 22 times, the sites' 22, continue handlers 22\nremove: 101\n" in out
    assert "write to a read-only page:\n  info0=1 info1 is the page=1\n  written=42\n" in out
    assert "execute a page without execute rights:\n  info0=8 address is the page=1\n  returned to the caller\n" in out
    assert ("RaiseException:\n  code=0xe0000001 flags=0x00000000 parameters=3 info0=0x00000001 info1=0x00000002\n"
            in out)
    # Stacks grow through their guard page; past the end, STATUS_STACK_OVERFLOW (with an access violation's
    # parameters) reaches a handler; a guard page of the program's own is a one-shot STATUS_GUARD_PAGE_VIOLATION.
    assert ("recursion of 400 frames of 512 bytes: 400 stack grew=1\nstack overflow caught: parameters=2 info0=1\n"
            "guard page: code=0x80000001 info0=1 info1 is the byte written=1\n  written after the guard=5\n") in out
    # The calling thread's context: where it stands, and back to a context captured earlier.
    assert ("GetThreadContext: 1 pc in ntdll=1 sp on the stack=1\nNtGetContextThread bad handle: status=0xc0000008\n"
            "GetThreadContext bad handle: failed error=6\nSetThreadContext went back to the captured context\n"
            "NtSetContextThread bad handle: status=0xc0000008\n") in out
    assert ("RtlCaptureStackBackTrace: at least 3 frames=1 in backtrace3, backtrace2, backtrace1=1 hash is their "
            "sum=1\n") in out
    # OutputDebugStringW: DBG_PRINTEXCEPTION_WIDE_C (the wide string and its ANSI form), then the ANSI exception
    assert ("DBG_PRINTEXCEPTION_C: length=17 text=to the debugger\n"
            "DBG_PRINTEXCEPTION_WIDE_C: length=23 text=wide, to the debugger\n  ANSI length=23 text=wide, to the "
            "debugger\nDBG_PRINTEXCEPTION_C: length=23 text=wide, to the debugger\nOutputDebugString returned\n") in out
    # The x87 state, MXCSR and XMM registers in the CONTEXT (the i386 one: FloatSave and ExtendedRegisters), and a
    # handler's changes to ST0 and XMM0 in the registers after NtContinue.
    assert ("floating point in the CONTEXT:\n  control=0x0000027f top=7 mxcsr=0x00001f80 ST0 in use=1 ST0 is 1.0=1 "
            "XMM0 all ones=1 both forms agree=1\n  after: XMM0=0x12345678 ST0 as a float=0x40000000\n") in out
    assert "NtContinue NULL: status=0xc0000005\n" in out
    assert "NtRaiseException 16 parameters: status=0xc000000d\n" in out
    assert out.endswith("top-level filter:\n  code=0xc0000005 flags=0x00000000 parameters=2 info0=0x00000000 "
                        "info1=0x00000000\n  address at the site=1 pc at the site=1 pc after it=0\ndone\n")


def test_32bit_seh_frames_see_an_i386_context_and_unwind(tmp_path: Path) -> None:
    status, out, _ = run("seh.exe", root=tmp_path)
    assert status == 0, out
    # The handler's CONTEXT is the i386 one wow64 built: CONTEXT_i386 ALL, the 32-bit selectors.
    assert ("handler: code=0xc0000005 flags=0x00000000 info0=0x00000000 info1=0x00000000\n  frame is the "
            "registration=1 address=site 1 Eip=site 1 ContextFlags=0x0001003f SegCs=0x00000023 SegFs=0x00000053\n"
            "0x00001234\nfs:[0] restored=1\n") in out
    # Vectored handlers first, then the chain from fs:[0] inward out.
    assert "vectored handler first\ninner handler: flags=0x00000000\nhandler: code=0xc0000005" in out
    # RtlUnwind calls the inner handler with EXCEPTION_UNWINDING and unlinks it.
    assert ("outer handler: unwinding to its frame\ninner handler: flags=0x00000002\n  after RtlUnwind fs:[0] is the "
            "outer frame=1 exception flags=0x00000002\n0x00005678\nfs:[0] restored=1\n") in out
    assert "the frame's handler: code=0xe0424242 parameters=1 info0=0x0000feed\n" in out
    # An exception inside a handler reaches that handler again with EXCEPTION_NESTED_CALL.
    assert "the nested exception reached the handler with EXCEPTION_NESTED_CALL\n" in out
    assert out.endswith("0x00009abc\ndone\n")


def test_a_handler_raising_while_unwound_collides_with_the_next_unwind_in_32bit_code(tmp_path: Path) -> None:
    """The inner handler raises while RtlUnwind runs it; the outer handler catches that exception too and unwinds
    again: that unwind meets the first at the inner handler's registration (ExceptionCollidedUnwind) and goes past it,
    rather than calling the inner handler again, forever."""
    status, out, _ = run("seh.exe", "collided", root=tmp_path)
    assert (status, out) == (0, "returned inner handler: code=0xc0000005 flags=0x00000000\n"
                                "outer handler: code=0xc0000005 flags=0x00000000\n"
                                "inner handler: code=0xc0000005 flags=0x00000002\n"
                                "inner handler: code=0xe0000066 flags=0x00000000\n"
                                "outer handler: code=0xe0000066 flags=0x00000000\n"
                                "  unwound: fs:[0] is the outer frame=1\n"
                                "0x00004321\nfs:[0] restored=1\n")


def test_into_is_an_integer_overflow_reported_after_the_instruction(tmp_path: Path) -> None:
    status, out, _ = run("seh.exe", "into", root=tmp_path)
    assert (status, out) == (0, "the frame's handler: code=0xc0000095 parameters=0 info0=0x00000000\n"
                                "into returned 0x00000099\n")


@pytest.mark.parametrize(("mode", "code"), [
    ("unhandled", NTSTATUS.ACCESS_VIOLATION),
    ("corrupt", NTSTATUS.ACCESS_VIOLATION),  # a registration outside the stack: EXCEPTION_STACK_INVALID
    ("circular", NTSTATUS.ACCESS_VIOLATION),  # A -> B -> A: the walk ends
    ("garbage", NTSTATUS.INVALID_DISPOSITION),
    ("continue-bad", NTSTATUS.ACCESS_VIOLATION),  # NtContinue to Eip 0xFFFFFFF0, Esp 4: nowhere to dispatch
    ("fastfail", NTSTATUS.STACK_BUFFER_OVERRUN),  # no handler sees it, not even the frame that would resume it
])
def test_bad_handlers_and_chains_end_the_process_with_the_windows_code(tmp_path: Path, mode: str, code: int) -> None:
    status, out, machine = run("seh.exe", mode, root=tmp_path)
    assert (status, out) == (code, "")
    assert machine.process.unhandled is not None and machine.process.unhandled.code == code


def test_64bit_frames_are_found_through_pdata_and_unwound(tmp_path: Path) -> None:
    """__try/__except/__finally as compilers build them for x64: __C_specific_handler and its scope table in each
    function's unwind info, found by RtlLookupFunctionEntry, unwound by RtlVirtualUnwind and RtlUnwindEx."""
    status, out, _ = run("seh64.exe", width="x64", root=tmp_path)
    assert status == 0, out
    assert out == ("RtlLookupFunctionEntry: found=1 RtlPcToFileHeader is the image=1\n"
                   "try_except_av returned filter: code=0xc0000005 parameters=2\n0xc0000005\n"
                   # the __finally of the inner function runs during the unwind to the outer __except
                   "except_around_finally returned __finally: abnormal=1\n0xc0000005\n"
                   "continue_av returned 0x00000077\n"  # a filter's EXCEPTION_CONTINUE_EXECUTION
                   "raise_except returned filter: code=0xe0000064 parameters=1\n0xe0000064\n"
                   # every unwind code: pushes, small, large and huge allocations, near and far saves, a frame
                   # register: the caller's rbx, rsi, rbp, r12, xmm6 and xmm7 all come back
                   "registers the unwind restored (of 0x3f): 0x0000003f\n"
                   "epilog_step returned 0x80000004\n"  # an exception inside an epilog
                   "try_except_nested returned filter faults\n"
                   "filter of the nested exception: EXCEPTION_NESTED_CALL=1 info0=1\n0xc0000005\n"
                   # a __finally that raises while the unwind to the __except runs it: the unwind of that exception
                   # collides with the first at its RtlpExecuteHandlerForUnwind, calls the interrupted frame's handler
                   # again from the next scope (the outer __finally) and goes on to the __except; the dispatch of the
                   # new exception took the same way, so it is not a nested one
                   "collided_unwind returned filter: code=0xc0000005 flags=0x00000000\n__finally raises: abnormal=1\n"
                   "filter: code=0xe0000065 flags=0x00000000\n__finally: abnormal=1\n0xe0000065\ndone\n")


def test_a_64bit_exception_no_frame_handles_walks_the_whole_stack_and_ends_the_process(tmp_path: Path) -> None:
    status, out, machine = run("seh64.exe", "unhandled", width="x64", root=tmp_path)
    assert (status, out) == (NTSTATUS.ACCESS_VIOLATION, "")
    assert machine.process.unhandled.params == [1, 16]


def test_the_trace_shows_how_a_32bit_handler_came_to_see_its_context(tmp_path: Path) -> None:
    events: list[dict] = []
    run("seh.exe", "unhandled", root=tmp_path, trace=frozenset({"exceptions"}), events=events)
    kinds = [(e["layer"], e["event"]) for e in events]
    assert kinds[:5] == [("cpu", "fault"), ("kernel", "dispatch"), ("x64", "dispatch"), ("wow64", "exception"),
                         ("x86", "dispatch")]
    fault, dispatch, _, wow64, _ = events[:5]
    assert fault["kind"] == "page" and fault["cs"] == 0x23
    assert dispatch["chance"] == 1 and dispatch["code"] == NTSTATUS.ACCESS_VIOLATION
    assert wow64["context32"] == wow64["esp"] + 8 + 0x50 and wow64["record32"] == wow64["esp"] + 8
    # No handler: the 32-bit ntdll asks for the second chance, which ends the process.
    assert ("kernel", "raise") in kinds and events[-1]["chance"] == 2


def test_the_trace_names_each_handler_called_and_what_it_returned(tmp_path: Path) -> None:
    events: list[dict] = []
    run("seh.exe", root=tmp_path, trace=frozenset({"exceptions"}), events=events)
    texts = [(e["layer"], e["event"], e["text"].split(": ")[0]) for e in events if e["call"] == 2]
    # the second exception: the vectored handler, the inner frame's, then the outer frame's, each with its answer
    handlers = [t for t in texts if t[1] in ("handler", "returned")]
    assert [(layer, event) for layer, event, _ in handlers] == [("x86", "handler"), ("x86", "returned")] * 3
    assert [e["text"].split(" -> ")[1] for e in events if e["call"] == 2 and e["event"] == "returned"] == [
        "EXCEPTION_CONTINUE_SEARCH", "ExceptionContinueSearch", "ExceptionContinueExecution"]
    assert all(text.startswith("seh.exe+0x") for _, _, text in handlers)
    # the third: RtlUnwind calls the inner frame's handler again, unwinding
    assert any(e["call"] == 3 and e["event"] == "unwind" and "flags 0x2" in e["text"] for e in events)


def test_the_64bit_trace_shows_the_language_handler_of_each_frame(tmp_path: Path) -> None:
    events: list[dict] = []
    status, _, _ = run("seh64.exe", width="x64", root=tmp_path, trace=frozenset({"exceptions"}), events=events)
    assert status == 0
    first = [e for e in events if e["call"] == 1]
    assert [(e["layer"], e["event"]) for e in first][:4] == [("cpu", "fault"), ("kernel", "dispatch"),
                                                             ("x64", "dispatch"), ("x64", "handler")]
    assert first[3]["text"].startswith("seh64.exe+0x")  # the import thunk of ntdll's __C_specific_handler
    assert any(e["event"] == "unwind" for e in first)  # RtlUnwindEx on its way to the __except


def test_a_handled_exception_resumes_through_ntcontinue_in_the_trace(tmp_path: Path) -> None:
    events: list[dict] = []
    status, _, _ = run("oracle_exceptions.exe", width="x64", root=tmp_path, trace=frozenset({"exceptions"}),
                       events=events)
    assert status == 0
    continues = [e for e in events if e["event"] == "continue"]
    assert continues and continues[0]["cs"] == 0x33
