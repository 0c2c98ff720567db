"""Where Unicorn's C library is, found without importing the unicorn package (whose Python binding costs a third of
a start to import), and its loading begun in the background while the command starts.

The library is the one the binding would load: LIBUNICORN_PATH's, else the one in the unicorn package's lib folder.
Loading it (24 MB, its relocations and constructors) is about 5 ms of a start, and the first engine's set-up 1 ms
more. Python's own dlopen, in ctypes.CDLL, holds the interpreter lock, so preload() calls the host's dlopen through
ctypes from a thread of its own, which runs it without the lock while the main thread imports the emulator, then
opens an engine and has Unicorn set it up (at its first call); uclib's CDLL of the same path finds the library
loaded, and the first Engine() takes that engine (Unicorn keeps an engine's state in the engine, none in the thread
that made it).
"""

from __future__ import annotations

import os
import sys
import threading
from importlib.util import find_spec

_NAMES = {"darwin": "libunicorn.2.dylib", "win32": "unicorn.dll", "cygwin": "cygunicorn.dll"}
_RTLD_NOW = 2


def library_path() -> str | None:
    """The library's path, or None when it is in neither place (uclib then asks the binding, which searches further:
    the system's folders, sys.path)."""
    folders = [os.environ.get("LIBUNICORN_PATH")]
    spec = find_spec("unicorn")
    if spec is not None and spec.submodule_search_locations:
        folders += [os.path.join(folder, "lib") for folder in spec.submodule_search_locations]
    for folder in filter(None, folders):
        for name in (_NAMES.get(sys.platform, "libunicorn.so.2"), "libunicorn.so"):
            path = os.path.join(folder, name)
            if os.path.exists(path):
                return path
    return None


def preload() -> None:
    """Begin loading the library, and making the first CPU's engine, in another thread (a POSIX host's dlopen);
    whatever fails there is found again, and reported, by uclib's own loading and Engine()."""
    path = library_path()
    if path is None or os.name != "posix" or _preloading:
        return
    thread = threading.Thread(target=_prepare, args=(path,), name="wow64emu-preload")
    thread.start()
    _preloading.append(thread)


def take_spare() -> int | None:
    """The handle of the engine made in the background (Unicorn's deferred set-up done), once; None if there is
    none."""
    if _preloading:
        _preloading[0].join()
    return _spare.pop() if _spare else None


_preloading: list[threading.Thread] = []
_spare: list[int] = []


def _prepare(path: str) -> None:
    """dlopen, uc_open and Unicorn's set-up at its first call (about 1 ms more): each a call through ctypes, which
    runs without the interpreter lock."""
    import ctypes

    from .ucconst import UC_ARCH_X86, UC_MODE_64, UC_X86_REG_RAX

    try:
        host = ctypes.CDLL(None)
        host.dlopen.restype = ctypes.c_void_p
        if not host.dlopen(os.fsencode(path), _RTLD_NOW):
            return
        library = ctypes.CDLL(path)
        handle, value = ctypes.c_void_p(), ctypes.c_uint64()
        if library.uc_open(UC_ARCH_X86, UC_MODE_64, ctypes.byref(handle)) == 0 and handle.value:
            library.uc_reg_read(handle, UC_X86_REG_RAX, ctypes.byref(value))
            _spare.append(handle.value)
    except (OSError, AttributeError):  # no dlopen to call, no such library: uclib loads it
        pass
