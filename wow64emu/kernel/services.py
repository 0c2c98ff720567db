"""The service table: every declared system call bound to the one kernel service that serves it.

Each service area module lists its services in a SERVICES tuple (the functions, as the area's class defines them);
the table binds them to one instance of their class per System and maps them to the declarations by name. A
declared call with no service, a service with no declaration, or two services for one call is an error when the
table is built, so the kernel can never silently serve a call with the wrong function. A service takes the calling
thread, then the call's arguments as 64-bit integers in declaration order, and returns an NTSTATUS; it raises
NtError for a failure status and lets GuestFault (a bad guest pointer) through, which dispatch() turns into
STATUS_ACCESS_VIOLATION, and CommitLimitReached (the System's commit limit), which it turns into
STATUS_COMMITMENT_LIMIT. A service that must wait and then be done again raises Restart (waits.py), which
dispatch() turns into the thread's RestartWait.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING

from ..errors import CommitLimitReached, GuestFault
from ..nt.status import NTSTATUS
from ..nt.syscalls import Syscall, syscalls
from . import (
    alerts,
    directory,
    exceptions,
    fileinfo,
    files,
    fsctl,
    fsinfo,
    jobs,
    memory,
    objects,
    pipes,
    privileges,
    process,
    processcreate,
    registry,
    section,
    security,
    sync,
    sysinfo,
    thread,
    threadlife,
    time,
)
from .errors import NtError
from .waits import Restart, block

if TYPE_CHECKING:
    from .system import System
    from .threadobject import Thread

AREAS: tuple[ModuleType, ...] = (objects, files, fileinfo, directory, fsinfo, fsctl, memory, section, process, thread,
                                 threadlife, processcreate, security, sysinfo, sync, time, exceptions, pipes, registry,
                                 privileges, jobs, alerts)
Service = Callable[..., int]


class ServiceTableError(Exception):
    """The declarations and the services do not match one to one."""


def _owner(module: ModuleType, fn: Callable) -> type:
    """The class of `module` that defines `fn` (found by its qualified name: a scan of the module's names for each
    of the hundred services took a millisecond of every start)."""
    owner = getattr(module, fn.__qualname__.partition(".")[0], None)
    if isinstance(owner, type) and owner.__dict__.get(fn.__name__) is fn:
        return owner
    raise ServiceTableError(f"{module.__name__}: {fn.__qualname__} is not defined by a class of the module")


def service_functions() -> dict[str, tuple[ModuleType, Callable]]:
    """Name -> (area module, unbound service function), checked one to one against the declarations."""
    found: dict[str, tuple[ModuleType, Callable]] = {}
    for module in AREAS:
        for fn in module.SERVICES:
            if fn.__name__ in found:
                raise ServiceTableError(f"{fn.__name__} is served twice: by {found[fn.__name__][1].__qualname__} "
                                        f"and {fn.__qualname__}")
            found[fn.__name__] = (module, fn)
    declared = {call.name for call in syscalls()}
    if undeclared := sorted(set(found) - declared):
        raise ServiceTableError(f"services without a declaration: {', '.join(undeclared)}")
    if unserved := sorted(declared - set(found)):
        raise ServiceTableError(f"declared calls without a service: {', '.join(unserved)}")
    return found


class ServiceTable:
    """Number -> (declaration, bound service), for one System."""

    def __init__(self, system: System) -> None:
        functions = service_functions()
        instances: dict[type, object] = {}
        self.services: dict[int, tuple[Syscall, Service]] = {}
        for call in syscalls():
            module, fn = functions[call.name]
            cls = _owner(module, fn)
            if cls not in instances:
                instances[cls] = cls(system)
            self.services[call.number] = (call, fn.__get__(instances[cls]))
        self.areas = tuple(instances.values())

    def lookup(self, number: int) -> tuple[Syscall, Service] | None:
        return self.services.get(number)

    def dispatch(self, service: Service, thread: Thread, args: list[int]) -> int:
        """Run one service for the calling thread; every failure comes back as an NTSTATUS."""
        try:
            return service(thread, *args) & 0xFFFFFFFF
        except Restart as restart:
            return block(thread, restart.wait(service.__name__))
        except NtError as exc:
            return exc.status
        except GuestFault:
            return NTSTATUS.ACCESS_VIOLATION
        except CommitLimitReached:
            return NTSTATUS.COMMITMENT_LIMIT
        finally:
            thread.redo = None  # a redone call has had what its wait carried
