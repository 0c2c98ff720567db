"""System calls of the object manager: handles, names, directories."""

from .decl import decl
from .kinds import HANDLE

DECLARATIONS = {
    "NtClose": decl(("Handle", HANDLE)),
}
