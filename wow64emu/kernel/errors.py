"""The kernel's way out of a service: raise NtError(status) anywhere below a service; dispatch returns it."""

from ..nt.status import NTSTATUS


class NtError(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(NTSTATUS.name_of(status))
        self.status = status
