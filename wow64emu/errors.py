"""The emulator's own failures: one root, so the command line can turn any of them into one line."""

EXIT_EMULATOR_ERROR = 2  # the command's exit code for them, and for a bad command line


class EmulatorError(Exception):
    """Root of every error the emulator reports to its user (exit code 2)."""


class BadImage(EmulatorError):
    """The file is not a PE image this emulator can load."""


class GuestBudgetExceeded(EmulatorError):
    """The guest ran past its instruction budget or its wall-clock limit."""


class CommitLimitReached(EmulatorError):
    """Committing more would pass the System's commit limit (--memory-limit). A system call gets
    STATUS_COMMITMENT_LIMIT; only the emulator's own commits (process creation) reach the user with it."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the guest's memory would pass the commit limit of {limit >> 20} MB (--memory-limit)")


class GuestFault(Exception):
    """A guest address that is not accessible in the way asked for.

    Raised by guest-memory probes; the kernel turns it into STATUS_ACCESS_VIOLATION. Never reaches a user.
    """

    def __init__(self, address: int, write: bool = False) -> None:
        super().__init__(f"access violation {'writing' if write else 'reading'} 0x{address:x}")
        self.address = address
        self.write = write
