"""The import set of a plain `wow64emu run`: start-up dominates a short program (issue 14), so a run imports only what
it needs. What the other commands use (the bench, the views, the reg command), the disassemblers and assemblers,
Unicorn's Python binding, and the modules the start-up work took off its path (pefile, for the headers
image/headers.py reads; sqlite3 until the registry opens; the CSV system-call tables; socket, hashlib; json, for the
JSON trace formats only; logging until a message is let through; argparse for a plain `run`) must stay out of it,
and so must the service areas of the kernel and the thunk areas of wow64 whose calls a hello world never makes: an
area is imported at its first call (kernel/services.py, thunks/table.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bin"

NOT_IMPORTED = (
    "capstone", "keystone",  # disassembly and assembly: only when asked for
    "unicorn",  # Unicorn's Python binding: the CPU calls its C library directly (emu/cpu/uclib.py)
    "wow64emu.bench", "wow64emu.emu.vadview", "wow64emu.emu.timeline", "wow64emu.emu.tracechrome", "wow64emu.reg",
    "json", "wow64emu.emu.trace", "wow64emu.emu.tracejsonl",  # the tracer and its formats: when asked for
    "pefile", "hashlib",  # image/headers.py reads the headers (pefile imported hashlib, uuid, platform)
    "csv",  # the system-call numbers are Python data (wow64emu/nt/numbers.py)
    "sqlite3",  # the registry's store opens at the first registry call
    "socket", "secrets",  # Ctrl-C's wake-up is a pipe; a process's cookie comes from os.urandom
    "logging",  # imported for the first message let through (wow64emu/log.py)
    "argparse", "gettext", "wow64emu.arguments",  # a plain `run PROGRAM [ARGS...]` is read without them (cli.py)
    # the registry, jobs, process creation, security and alerts: the kernel's services and wow64's special parts
    "wow64emu.kernel.registry", "wow64emu.kernel.jobs", "wow64emu.kernel.processcreate", "wow64emu.kernel.security",
    "wow64emu.kernel.privileges", "wow64emu.kernel.alerts", "wow64emu.kernel.thread", "wow64emu.kernel.sync",
    "wow64emu.thunks.registry", "wow64emu.thunks.regthunk", "wow64emu.thunks.jobs", "wow64emu.thunks.processcreate",
    "wow64emu.thunks.sync", "wow64emu.thunks.objects",
    "wow64emu.kernel.section", "wow64emu.kernel.objects",  # sections, the object manager's calls
    "tempfile", "shutil", "random",  # the run's drive is made without them; a file copied, --seed: when asked for
    "inspect", "ast", "dis", "tokenize",  # imported by dataclasses, which needs them at its first use (startup.py)
    "encodings.cp437",  # the console's code page: ASCII output moves the cursor without its codec
    "wow64emu.kernel.sysinfo",  # NtQuerySystemInformation's area (the processor's numbers are in shareddata.py)
    "wow64emu.kernel.registry_keys", "wow64emu.kernel.registry_defaults",  # the registry: made at its first use
)


# `wow64emu run`, listing at its exit every module it imported, whenever and however it did (-X importtime misses
# those imported through importlib.import_module, as the service and thunk areas are).
_RUN_LISTING_MODULES = """
import atexit, sys
atexit.register(lambda: sys.stderr.write("\\n".join(["MODULES:", *sys.modules])))
sys.argv[0] = "wow64emu"
from wow64emu.__main__ import main
sys.exit(main())
"""


@pytest.fixture(scope="module")
def user_cache(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment whose user cache one run has filled, as every run after the first finds it (the first
    imports every area to learn which serves each call)."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path_factory.mktemp("cache"))}
    first = imported_by_run(FIXTURES / "x86" / "hello.exe", env)
    assert {"wow64emu.kernel.registry", "wow64emu.thunks.regthunk"} <= first  # the cold run found the indexes
    return env


def imported_by_run(program: Path, env: dict[str, str]) -> set[str]:
    """Every module a `wow64emu run` of the program imported."""
    done = subprocess.run([sys.executable, "-c", _RUN_LISTING_MODULES, "run", str(program)],
                          capture_output=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    assert b"hello" in done.stdout.lower()
    return set(done.stderr.decode().rpartition("MODULES:\n")[2].splitlines())


# Exception dispatch and whole contexts (kernel/exceptions.py), and wow64's exception hook (thunks/exceptions.py): at
# a run's first fault the memory manager does not resolve. The 32-bit hello worlds take none; the 64-bit printf one
# does (its stack grows past a guard page).
NOT_IMPORTED_WITHOUT_A_FAULT = ("wow64emu.kernel.exceptions", "wow64emu.thunks.exceptions")


@pytest.mark.parametrize("program, faults", [("x86/hello.exe", False), ("x86/crt_hello.exe", False),
                                             ("x64/crt_hello.exe", True)])
def test_a_plain_run_imports_only_what_it_needs(program: str, faults: bool, user_cache: dict[str, str]) -> None:
    modules = imported_by_run(FIXTURES / program, user_cache)
    assert "wow64emu.machine" in modules and "wow64emu.emu.cpu.uclib" in modules and \
        "wow64emu.kernel.files" in modules  # a real run
    not_imported = NOT_IMPORTED if faults else NOT_IMPORTED + NOT_IMPORTED_WITHOUT_A_FAULT
    unwanted = sorted(m for m in modules if m in not_imported or m.split(".")[0] in not_imported
                      or any(m.startswith(n + ".") for n in not_imported))
    assert unwanted == []
