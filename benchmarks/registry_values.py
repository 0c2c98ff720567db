"""A guest that writes a great many registry values (issue 12: "a guest that writes a million values — no traceback,
no corrupt database"): NtSetValueKey into one key of HKCU, called as a thread's 64-bit system call would call the
kernel's service, timed per value at the start and at the end (the cost must not grow with the key), then the key
enumerated to its last value and SQLite's integrity check run on the store.

    python benchmarks/registry_values.py [N]       (default 1,000,000; about 2 minutes a million on 2 cores)
"""

from __future__ import annotations

import io
import sqlite3
import struct
import sys
import tempfile
import time
from pathlib import Path

from wow64emu.emu.memory import MemType, Prot
from wow64emu.kernel.console import StdStreams
from wow64emu.kernel.registry_defaults import USER
from wow64emu.kernel.registry_store import REGISTRY_FOLDER
from wow64emu.kernel.system import System
from wow64emu.nt.status import NTSTATUS
from wow64emu.nt.syscalls import by_name

SCRATCH = 0x10000
KEY = USER + "\\Software\\Many"  # HKCU\Software\Many
REG_DWORD = 4
KEY_ALL_ACCESS = 0xF003F
SAMPLE = 2000  # values timed at each end


def _unicode_string(memory, address: int, text: str) -> int:
    """A UNICODE_STRING at `address` whose buffer follows it; returns the structure's address."""
    raw = text.encode("utf-16-le")
    memory.poke(address + 16, raw)
    memory.poke(address, struct.pack("<HHIQ", len(raw), len(raw), 0, address + 16))
    return address


def main(count: int) -> int:
    with tempfile.TemporaryDirectory(prefix="wow64emu-registry-") as root:
        system = System(Path(root), StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO()))
        process = system.create_process(wow64=False)
        thread = process.running = process.create_thread()
        memory = process.memory
        memory.map_committed(SCRATCH, 0x10000, MemType.PRIVATE, Prot.READWRITE, "scratch")
        services = system.services

        def call(name: str, *args: int) -> int:
            return services.dispatch(services.lookup(by_name()[name].number)[1], thread, list(args))

        oa = SCRATCH + 0x100
        memory.poke(oa, struct.pack("<IIQQIIQQ", 48, 0, 0, _unicode_string(memory, SCRATCH + 0x200, KEY), 0x40, 0,
                                    0, 0))
        assert call("NtCreateKey", SCRATCH, KEY_ALL_ACCESS, oa, 0, 0, 0, 0) == NTSTATUS.SUCCESS
        key = struct.unpack("<Q", memory.peek(SCRATCH, 8))[0]
        name, data = SCRATCH + 0x1000, SCRATCH + 0x2000
        times = []
        start = time.perf_counter()
        for i in range(count):
            t = time.perf_counter()
            _unicode_string(memory, name, f"value{i:07d}")
            memory.poke(data, struct.pack("<I", i))
            if call("NtSetValueKey", key, name, 0, REG_DWORD, data, 4) != NTSTATUS.SUCCESS:
                raise SystemExit(f"NtSetValueKey failed at value {i}")
            if i < SAMPLE or i >= count - SAMPLE:
                times.append(time.perf_counter() - t)
        total = time.perf_counter() - start
        first, last = sum(times[:SAMPLE]) / SAMPLE * 1e6, sum(times[-SAMPLE:]) / SAMPLE * 1e6
        # The last value by index, as RegEnumValue would ask for it (KeyValueBasicInformation = 0).
        status = call("NtEnumerateValueKey", key, count - 1, 0, SCRATCH + 0x3000, 0x1000, SCRATCH + 0x20)
        store = next((Path(root) / REGISTRY_FOLDER).glob("*.sqlite3"))
        with sqlite3.connect(store) as db:
            integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        print(f"{count:,} values in {total:.1f} s: {first:.0f} us each for the first {SAMPLE:,}, {last:.0f} us for "
              f"the last {SAMPLE:,} ({last / first:.2f}x); the last enumerated: {NTSTATUS.name_of(status)}; "
              f"integrity check: {integrity}")
        return 0 if status == NTSTATUS.SUCCESS and integrity == "ok" else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
