"""System calls of the memory manager: virtual memory and sections."""

from .decl import PVOID_INOUT, SIZE_INOUT, decl
from .kinds import HANDLE, ULONG, ZERO_BITS

DECLARATIONS = {
    "NtAllocateVirtualMemory": decl(("ProcessHandle", HANDLE), ("BaseAddress", PVOID_INOUT),
                                    ("ZeroBits", ZERO_BITS), ("RegionSize", SIZE_INOUT),
                                    ("AllocationType", ULONG), ("Protect", ULONG)),
    "NtFreeVirtualMemory": decl(("ProcessHandle", HANDLE), ("BaseAddress", PVOID_INOUT),
                                ("RegionSize", SIZE_INOUT), ("FreeType", ULONG)),
}
