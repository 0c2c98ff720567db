"""The kernel's ways out of a service: raise NtError(status) anywhere below a service; dispatch returns it."""

from ..nt.status import NTSTATUS


class NtError(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(NTSTATUS.name_of(status))
        self.status = status


class Alerted(Exception):
    """A device's request ended by a Ctrl-C the guest took, nothing transferred: the console's read of a line
    (console.py). The I/O services answer STATUS_ALERTED, a success, as Windows' console does."""
