"""The `wow64emu` command starts with the cyclic garbage collector off (wow64emu/__main__.py: it went through the
objects of start-up some 45 times) and turns it back on before the guest runs, for every command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HELLO = Path(__file__).resolve().parents[1] / "fixtures" / "bin" / "x86" / "hello.exe"

WATCH = """
import gc, sys
from wow64emu import __main__ as entry, machine
states = []
made, ran = machine.Machine.__init__, machine.Machine.run
def init(self, *args, **kwargs):
    states.append(gc.isenabled())
    made(self, *args, **kwargs)
def run(self, *args, **kwargs):
    states.append(gc.isenabled())
    return ran(self, *args, **kwargs)
machine.Machine.__init__, machine.Machine.run = init, run
sys.argv = ["wow64emu", *sys.argv[1:]]
code = entry.main()
print(states, code, gc.isenabled(), file=sys.stderr)
"""


def _states(*args: str) -> str:
    done = subprocess.run([sys.executable, "-c", WATCH, *args], capture_output=True, timeout=120)
    return done.stderr.decode().strip().splitlines()[-1]


def test_off_while_the_first_process_is_made_on_while_the_guest_runs() -> None:
    assert _states("run", str(HELLO)) == "[False, True] 0 True"


def test_on_for_the_other_commands() -> None:
    assert _states("syscalls", "--json").endswith("[] 0 True")
