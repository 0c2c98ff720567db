"""What the `wow64emu` command does while it starts, undone once its start-up is over (__main__.py calls begin(),
cli.end_of_startup() calls end()). Each saves work that start-up repeated at every run for nothing:

- The cyclic garbage collector is off. Importing the emulator and making the first process leave some 26,000
  objects that live as long as the run, and the collector went through them some 45 times (8-13 ms), and again
  later; end() freezes them out of its way (gc.freeze: with them the few hundred objects of garbage start-up makes,
  which are kept) before turning it back on.
- The methods that the dataclasses of the emulator generate (__init__, __eq__, __repr__...: about 330 for 67
  classes) are compiled once and kept in the user's cache (usercache.py), not compiled at every start (about 40 ms
  of a 200 ms start). The dataclasses module compiles each from its source text through exec(); while start-up
  lasts, its module sees an `exec` that runs the code compiled before from the same text when it has it (what
  compile() makes of a text depends on that text and the interpreter only: the cache is one file per interpreter,
  marked with its version and optimisation level, looked up by the whole text, so it cannot be stale; the file is
  mapped, and each text's code read when it is first run: usercache.with_parts). The typing module's forward
  references (a NamedTuple's fields written as text) are compiled once the same way.
- The emulator's own modules are imported from one file of the user's cache that keeps the code of each
  (modulecache.py: a finder first in sys.meta_path, for the emulator's package only, serving a module only when its
  source file is the one the code was compiled from), not found, opened and read one .pyc file at a time. Modules
  imported after end(), and those of every other package (the standard library's, the user's), are imported as
  Python imports them.
- The inspect module is imported at its first use, not when the dataclasses module imports it: dataclasses uses it
  only to give a class without a docstring one made from its signature, and the emulator's classes all have theirs.
  Importing it, with ast, dis and tokenize, was some 4 ms of a start. Only the dataclasses module holds the stand-in
  that imports it (any other `import inspect` is Python's own).

Like Python's own bytecode, nothing is written when sys.dont_write_bytecode is set (PYTHONDONTWRITEBYTECODE).
"""

from __future__ import annotations

import gc
import importlib
import marshal
import os
import sys
from types import CodeType, ModuleType

from . import modulecache, usercache

_CODE_CACHE = f"dataclass-code-{sys.implementation.cache_tag}.marshal"
_PACKAGE = __name__.rpartition(".")[0]
_FOLDER = os.path.dirname(__file__)
_MODULE_CACHE = usercache.named_for_path(f"modules-{sys.implementation.cache_tag}", [_FOLDER]) + ".marshal"
_COMPILER = f"{sys.version} -O{sys.flags.optimize}"  # what else the code compiled from a text depends on


def begin() -> None:
    gc.disable()
    _import_dataclasses()
    import dataclasses
    import typing

    dataclasses.exec = compiled = CompiledOnce(_cached_code())  # type: ignore[attr-defined]
    typing.compile = compiled.compile  # type: ignore[attr-defined]
    entries = modulecache.load(usercache.mapped(_MODULE_CACHE), _FOLDER)
    sys.meta_path.insert(0, modulecache.ModuleCache(_PACKAGE, _FOLDER, entries, record=not sys.dont_write_bytecode))


def end() -> None:
    """Undo begin(), keeping what it compiled; nothing if it was not called (the commands run from Python, as the
    tests run them)."""
    import dataclasses
    import typing

    compiled = vars(dataclasses).get("exec")
    if not isinstance(compiled, CompiledOnce):
        return
    del dataclasses.exec  # type: ignore[attr-defined]
    vars(typing).pop("compile", None)
    modules = next(finder for finder in sys.meta_path if isinstance(finder, modulecache.ModuleCache))
    sys.meta_path.remove(modules)
    gc.freeze()
    gc.enable()
    if compiled.compiled and not sys.dont_write_bytecode:
        code = [marshal.dumps(c) for c in compiled.used.values()]
        usercache.store(_CODE_CACHE, usercache.with_parts((_COMPILER, dict(zip(compiled.used, usercache.spans(code),
                                                                               strict=True))), code))
    if modules.recorded:
        usercache.store(_MODULE_CACHE, modulecache.dump(modules))


def _import_dataclasses() -> None:
    """Import dataclasses with an `inspect` that imports the real module at the first look at one of its attributes
    (see the module docstring); only dataclasses holds it."""
    if "dataclasses" in sys.modules or "inspect" in sys.modules:
        return
    sys.modules["inspect"] = _ImportedAtFirstUse("inspect")
    try:
        import dataclasses  # noqa: F401 - imported for its `inspect` to be this one
    finally:
        del sys.modules["inspect"]


class _ImportedAtFirstUse(ModuleType):
    def __getattr__(self, name: str) -> object:
        return getattr(importlib.import_module(self.__name__), name)


class CompiledOnce:
    """exec() for the dataclasses module, and compile() for the typing module's forward references: a source text
    it has code for (marshal data, read when first run) runs that code, any other is compiled as exec() or
    compile() would compile it (with no __future__ flags of ours)."""

    def __init__(self, known: dict[tuple[str, str], bytes | memoryview]) -> None:
        self.known = known  # (mode, source text) -> its code's marshal data
        self.used: dict[tuple[str, str], CodeType] = {}  # what this start-up ran: the cache's next contents
        self.compiled = 0

    def code(self, source: str, mode: str) -> CodeType:
        key = (mode, source)
        code = _code(self.known.get(key))
        if code is None:
            code = compile(source, "<string>", mode, dont_inherit=True)
            self.compiled += 1
        self.used[key] = code
        return code

    def __call__(self, source: object, globals: dict | None = None, locals: dict | None = None) -> None:
        if not isinstance(source, str):
            return exec(source, globals, locals)  # noqa: S102 - exec() itself, for what is not source text
        return exec(self.code(source, "exec"), globals, locals)  # noqa: S102 - dataclasses', compiled once

    def compile(self, source: object, filename: str, mode: str, *args: object, **kwargs: object) -> CodeType:
        """typing's ForwardRef compiles each annotation written as text (a NamedTuple's fields, in a module with
        `from __future__ import annotations`): some 35 us each, 41 of them at a start."""
        if args or kwargs or not isinstance(source, str) or filename != "<string>" or mode != "eval":
            return compile(source, filename, mode, *args, **kwargs)  # type: ignore[call-overload]
        return self.code(source, mode)


def _code(data: bytes | memoryview | None) -> CodeType | None:
    try:
        code = marshal.loads(data) if data is not None else None
    except (ValueError, EOFError, TypeError):
        return None
    return code if isinstance(code, CodeType) else None


def _cached_code() -> dict[tuple[str, str], memoryview]:
    """The code compiled at an earlier start by this interpreter, by mode and source text (its marshal data, in the
    cache file mapped: usercache.mapped), or nothing."""
    read = usercache.head_and_parts(usercache.mapped(_CODE_CACHE))
    if read is None:
        return {}
    (head, code) = read
    if not (isinstance(head, tuple) and len(head) == 2 and head[0] == _COMPILER and isinstance(head[1], dict)):
        return {}
    where: dict = head[1]
    if not all(isinstance(key, tuple) and len(key) == 2 and key[0] in ("exec", "eval") and isinstance(key[1], str)
               and isinstance(span, tuple) and len(span) == 2 and all(type(n) is int and n >= 0 for n in span)
               and sum(span) <= len(code) for key, span in where.items()):
        return {}
    return {key: code[at:at + size] for key, (at, size) in where.items()}
