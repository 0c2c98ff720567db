"""What a command that runs guest code begins in a thread of its own while it imports the emulator, each step a call
through ctypes, which runs without the interpreter lock, so that it goes on beside the imports on a second core:

- Loading Unicorn's library (24 MB, its relocations and constructors: about 5 ms). Python's own dlopen, in
  ctypes.CDLL, holds the interpreter lock; the host's dlopen called through ctypes does not, and uclib's CDLL of the
  same path then finds the library loaded.
- Opening the first CPU's engine and having Unicorn set it up (at its first call: about 1 ms); the first Engine()
  takes it (Unicorn keeps an engine's state in the engine, none in the thread that made it).

Whatever fails here is found again, and reported, by the main thread's own loading and making. A POSIX host only.
(Making the first frames of physical memory resident here too took some 250 page faults off the main thread and no
time off a start: measured side by side, 2026-12-07.)
"""

from __future__ import annotations

import os
import threading

_RTLD_NOW = 2

_started: list[threading.Thread] = []
_engines: list[int] = []


def start() -> None:
    """Begin the work in another thread (once)."""
    from .cpu.uclocate import library_path

    path = library_path()
    if path is None or os.name != "posix" or _started:
        return
    thread = threading.Thread(target=_work, args=(path,), name="wow64emu-preload")
    thread.start()
    _started.append(thread)


def engine() -> int | None:
    """The handle of the engine made in the background (Unicorn's deferred set-up done), once; None if none."""
    _wait()
    return _engines.pop() if _engines else None


def _wait() -> None:
    if _started:
        _started[0].join()


def _work(path: str) -> None:
    import ctypes

    from .cpu.ucconst import UC_ARCH_X86, UC_MODE_64, UC_X86_REG_RAX

    try:
        host = ctypes.CDLL(None)
        host.dlopen.restype = ctypes.c_void_p
        if host.dlopen(os.fsencode(path), _RTLD_NOW):
            library = ctypes.CDLL(path)
            handle, value = ctypes.c_void_p(), ctypes.c_uint64()
            if library.uc_open(UC_ARCH_X86, UC_MODE_64, ctypes.byref(handle)) == 0 and handle.value:
                library.uc_reg_read(handle, UC_X86_REG_RAX, ctypes.byref(value))
                _engines.append(handle.value)
    except (OSError, AttributeError):  # no dlopen to call, no such library: uclib loads it
        pass
