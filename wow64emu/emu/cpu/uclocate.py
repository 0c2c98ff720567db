"""Where Unicorn's C library is, found without importing the unicorn package (whose Python binding costs a third of
a start to import): the library the binding would load, LIBUNICORN_PATH's, else the one in the unicorn package's
lib folder. emu/preload.py begins loading it while the command starts; uclib.py loads it (or asks the binding, which
searches further).
"""

from __future__ import annotations

import os
import sys
from importlib.util import find_spec

_NAMES = {"darwin": "libunicorn.2.dylib", "win32": "unicorn.dll", "cygwin": "cygunicorn.dll"}


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
