"""System calls about the groups and privileges of tokens: NtAdjustPrivilegesToken, and the TokenGroups and
TokenPrivileges classes of NtQueryInformationToken (the other token calls and classes are declared with the
processes, nt/process.py).

TOKEN_PRIVILEGES (a ULONG count, then LUID_AND_ATTRIBUTES of 12 bytes each) has the same bytes in both widths, so
wow64 passes it through; TOKEN_GROUPS holds pointers (wow64emu/thunks/security.py rebuilds it).
"""

from __future__ import annotations

from .decl import ULONG_OUT, decl
from .kinds import BOOLEAN, HANDLE, PVOID, ULONG

# TOKEN_INFORMATION_CLASS
TokenGroups = 2
TokenPrivileges = 3

# LUID_AND_ATTRIBUTES.Attributes
SE_PRIVILEGE_ENABLED_BY_DEFAULT = 0x1
SE_PRIVILEGE_ENABLED = 0x2
SE_PRIVILEGE_REMOVED = 0x4

DECLARATIONS = {
    "NtAdjustPrivilegesToken": decl(("TokenHandle", HANDLE), ("DisableAllPrivileges", BOOLEAN),
                                    ("NewState", PVOID), ("BufferLength", ULONG), ("PreviousState", PVOID),
                                    ("ReturnLength", ULONG_OUT)),
}
