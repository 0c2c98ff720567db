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
  marked with its version and optimisation level, looked up by the whole text, so it cannot be stale). Like
  Python's own bytecode, nothing is written when sys.dont_write_bytecode is set (PYTHONDONTWRITEBYTECODE).
"""

from __future__ import annotations

import dataclasses
import gc
import marshal
import sys
from types import CodeType

from . import usercache

_CODE_CACHE = f"dataclass-code-{sys.implementation.cache_tag}.marshal"
_COMPILER = f"{sys.version} -O{sys.flags.optimize}"  # what else the code compiled from a text depends on


def begin() -> None:
    gc.disable()
    dataclasses.exec = CompiledOnce(_cached_code())  # type: ignore[attr-defined]


def end() -> None:
    """Undo begin(); nothing if it was not called (the commands run from Python, as the tests run them)."""
    compiled = vars(dataclasses).get("exec")
    if not isinstance(compiled, CompiledOnce):
        return
    del dataclasses.exec  # type: ignore[attr-defined]
    gc.freeze()
    gc.enable()
    if compiled.compiled and not sys.dont_write_bytecode:
        usercache.store(_CODE_CACHE, marshal.dumps((_COMPILER, compiled.used)))


class CompiledOnce:
    """exec() for the dataclasses module: a source text it has code for runs that code, any other is compiled as
    exec() would compile it (with no __future__ flags of ours)."""

    def __init__(self, known: dict[str, CodeType]) -> None:
        self.known = known
        self.used: dict[str, CodeType] = {}  # what this start-up ran: the cache's next contents
        self.compiled = 0

    def __call__(self, source: object, globals: dict | None = None, locals: dict | None = None) -> None:
        if not isinstance(source, str):
            return exec(source, globals, locals)  # noqa: S102 - exec() itself, for what is not source text
        code = self.known.get(source)
        if code is None:
            code = compile(source, "<string>", "exec", dont_inherit=True)
            self.compiled += 1
        self.used[source] = code
        return exec(code, globals, locals)  # noqa: S102 - what dataclasses does, with the code compiled once


def _cached_code() -> dict[str, CodeType]:
    """The code compiled at an earlier start by this interpreter, or nothing."""
    data = usercache.load(_CODE_CACHE)
    try:
        version, known = marshal.loads(data) if data else (None, None)
    except (ValueError, EOFError, TypeError):
        return {}
    if version != _COMPILER or not isinstance(known, dict) or \
            not all(isinstance(k, str) and isinstance(v, CodeType) for k, v in known.items()):
        return {}
    return known
