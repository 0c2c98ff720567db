"""The process handle table: typed objects behind multiples of four."""

from __future__ import annotations

from typing import TypeVar

from ..status import NTSTATUS
from .errors import NtError

CURRENT_PROCESS = 0xFFFFFFFFFFFFFFFF  # (HANDLE)-1, sign-extended
CURRENT_THREAD = 0xFFFFFFFFFFFFFFFE  # (HANDLE)-2

T = TypeVar("T")


class KernelObject:
    """Base of everything a handle can stand for."""

    type_name = "Object"

    def close(self) -> None:
        """Called when the last handle to the object goes."""

    def describe(self) -> str:
        """What a trace shows for a handle to this object."""
        return self.type_name


class HandleTable:
    def __init__(self) -> None:
        self._objects: dict[int, KernelObject] = {}
        self._next = 4

    def insert(self, obj: KernelObject) -> int:
        handle = self._next
        while handle in self._objects:
            handle += 4
        self._objects[handle] = obj
        self._next = handle + 4
        return handle

    def get(self, handle: int, cls: type[T]) -> T:
        """The object behind a handle, of the type asked for.

        STATUS_INVALID_HANDLE for a value that names nothing, STATUS_OBJECT_TYPE_MISMATCH for the wrong type.
        """
        obj = self._objects.get(handle & 0xFFFFFFFFFFFFFFFF)
        if obj is None:
            raise NtError(NTSTATUS.INVALID_HANDLE)
        if not isinstance(obj, cls):
            raise NtError(NTSTATUS.OBJECT_TYPE_MISMATCH)
        return obj

    def close(self, handle: int) -> None:
        obj = self._objects.pop(handle & 0xFFFFFFFFFFFFFFFF, None)
        if obj is None:
            raise NtError(NTSTATUS.INVALID_HANDLE)
        if obj not in self._objects.values():
            obj.close()

    def lookup(self, handle: int) -> KernelObject | None:
        """The object behind a handle, if any, without a status: for traces."""
        return self._objects.get(handle & 0xFFFFFFFFFFFFFFFF)

    def __contains__(self, handle: int) -> bool:
        return (handle & 0xFFFFFFFFFFFFFFFF) in self._objects

    def __len__(self) -> int:
        return len(self._objects)
