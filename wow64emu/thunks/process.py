"""System calls about processes, threads, tokens and the system."""

from .decl import decl
from .kinds import HANDLE, NTSTATUS

DECLARATIONS = {
    "NtTerminateProcess": decl(("ProcessHandle", HANDLE), ("ExitStatus", NTSTATUS)),
}
