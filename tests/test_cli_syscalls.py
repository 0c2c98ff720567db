"""`wow64emu syscalls` lists the table the stubs, the thunks and the kernel all derive from."""

import json
import subprocess
import sys

from wow64emu.nt.syscalls import syscalls


def test_syscalls_json_lists_every_declared_call() -> None:
    done = subprocess.run([sys.executable, "-m", "wow64emu", "syscalls", "--json"], capture_output=True, timeout=60)
    assert done.returncode == 0
    rows = {r["name"]: r for r in json.loads(done.stdout)}
    assert set(rows) == {c.name for c in syscalls()}
    close = rows["NtClose"]
    assert (close["number"], close["arg_bytes"], close["thunked"], close["served"]) == (0x0F, 4, True, True)
    assert close["args"] == [{"name": "Handle", "kind": "HANDLE"}]
    assert rows["NtCreateFile"]["arg_bytes"] == 44


def test_syscalls_text_is_a_table() -> None:
    done = subprocess.run([sys.executable, "-m", "wow64emu", "syscalls"], capture_output=True, timeout=60)
    lines = done.stdout.decode().splitlines()
    assert lines[0].split()[:3] == ["number", "name", "bytes"]
    assert any(line.startswith("0x000f   NtClose") for line in lines)
