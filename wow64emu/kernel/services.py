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

A run makes calls of few areas (a hello world: files, memory and process information), so an area module is
imported, and its class made, when a call of it is first made: the table knows each call's area and class from
service_index(), which service_functions() finds by importing them all once and the user's cache keeps for the
area modules' sources.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from .. import usercache
from ..errors import CommitLimitReached, GuestFault
from ..nt.status import NTSTATUS
from ..nt.syscalls import Syscall, syscalls
from .errors import NtError
from .waits import Restart, block

if TYPE_CHECKING:
    from .system import System
    from .threadobject import Thread

AREAS = ("objects", "files", "fileinfo", "directory", "fsinfo", "fsctl", "memory", "section", "process", "thread",
         "threadlife", "processcreate", "security", "sysinfo", "sync", "time", "exceptions", "pipes", "registry",
         "privileges", "jobs", "alerts")  # the service area modules of this package
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
    for module in map(_area, AREAS):
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


def service_index() -> dict[str, tuple[str, str]]:
    """Name -> (area module, class) of the service of every declared call, from the user's cache when it was found
    (by service_functions()) for the same sources of the area modules."""
    declared = {call.name for call in syscalls()}

    def find() -> dict[str, tuple[str, str]]:
        return {name: (module.__name__.rpartition(".")[2], _owner(module, fn).__name__)
                for name, (module, fn) in service_functions().items()}

    def undump(data: object) -> dict[str, tuple[str, str]]:
        if not isinstance(data, dict):
            raise TypeError("not a dict")
        index = {name: (area, cls) for name, (area, cls) in data.items()}
        if set(index) != declared or not all(area in AREAS and isinstance(cls, str) for area, cls in index.values()):
            raise ValueError("not the index of these declarations")
        return index

    return usercache.cached("kernel-services", usercache.sources_key(Path(__file__).parent, AREAS), find,
                            lambda index: index, undump)


class ServiceTable:
    """Number -> (declaration, bound service), for one System. A service is bound when its call is first made (or
    looked up); until then its entry holds an _Unbound in its place."""

    def __init__(self, system: System) -> None:
        self.system = system
        self.instances: dict[type, object] = {}  # one per area class, made with its first call
        index = service_index()
        self.services: dict[int, tuple[Syscall, Service]] = {
            call.number: (call, _Unbound(self, call, *index[call.name])) for call in syscalls()}

    def bind(self, call: Syscall, area: str, owner: str) -> Service:
        """The service of `call`, bound to the instance of its class `owner` of module `area`, put in the table."""
        cls = getattr(_area(area), owner)
        instance = self.instances.get(cls)
        if instance is None:
            instance = self.instances[cls] = cls(self.system)
        service = getattr(instance, call.name)
        self.services[call.number] = (call, service)
        return service

    def lookup(self, number: int) -> tuple[Syscall, Service] | None:
        entry = self.services.get(number)
        if entry is not None and isinstance(entry[1], _Unbound):
            entry = (entry[0], entry[1].bound())
        return entry

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


class _Unbound:
    """A service not bound yet: called, it binds it (importing its area) and runs it."""

    def __init__(self, table: ServiceTable, call: Syscall, area: str, owner: str) -> None:
        self.table = table
        self.call = call
        self.area = area
        self.owner = owner
        self.__name__ = call.name

    def bound(self) -> Service:
        return self.table.bind(self.call, self.area, self.owner)

    def __call__(self, thread: Thread, *args: int) -> int:
        return self.bound()(thread, *args)


def _area(name: str) -> ModuleType:
    return import_module(f"{__package__}.{name}")
