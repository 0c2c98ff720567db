"""C++ exceptions of MSVC-built programs: vcruntime140's __CxxFrameHandler3 (guest/vcruntime/cxx_frame_x86.c,
cxx_frame_x64.c, cxx_match.c) over the tables clang emits in MSVC mode, as MSVC does (fixtures/src/msvc_cxx_eh.cpp,
built by guest/build.sh with clang-14 and lld-link-14). x86 goes through the fs:[0] chain and the whole WoW64
path, x64 through RtlUnwindEx's STATUS_UNWIND_CONSOLIDATE and the catch funclets."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from wow64emu.emu.trace import JsonlSink, Tracer
from wow64emu.kernel.console import StdStreams
from wow64emu.machine import Machine

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
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
