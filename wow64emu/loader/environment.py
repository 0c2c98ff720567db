"""The environment a process starts with: a fresh Windows 10 22H2 session's, and the WoW64 table between widths.

`default_environment()` is what a program started from the shell of a standard user's new session finds (what
`set` lists in a new cmd.exe there, before cmd adds PROMPT): the system and user variables of the registry
(`kernel/registry_defaults.py`) expanded, the user's Path appended to the system's, the volatile ones of the
logon (APPDATA, LOGONSERVER, SESSIONNAME...), and the current directory's drive entry `=C:`, which sorts first.
Its values agree with what the rest of the emulator reports: the computer's name (the registry's ComputerName),
the user (the token's, GetUserName), the processors (SYSTEM_BASIC_INFORMATION and SYSTEM_PROCESSOR_INFORMATION).

`wow64_environment()` is the table of Microsoft's "WOW64 Implementation Details" (the facts file, section 8),
applied when a process of one width starts one of the other (the shell, the first process's parent, is 64-bit):
docs/environment.md says which variables move where.

A block is kept as Windows keeps it: sorted by name without regard to case (RtlSetEnvironmentVariable inserts
each name in its place), each name once whatever its case, a changed variable keeping the case its name had.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..kernel.shareddata import PROCESSOR_LEVEL, PROCESSOR_REVISION, PROCESSORS
from ..kernel.token import COMPUTER_NAME
from ..kernel.volume import USER_NAME

PROFILE = "C:\\Users\\" + USER_NAME
WINDOWS = "C:\\Windows"
PROGRAM_FILES = "C:\\Program Files"
PROGRAM_FILES_X86 = "C:\\Program Files (x86)"
CURRENT_DIRECTORY = "C:\\"  # the first process's (RTL_USER_PROCESS_PARAMETERS.CurrentDirectory)

def processor_identifier() -> str:
    """PROCESSOR_IDENTIFIER from the family, model and stepping the kernel reports."""
    return (f"Intel64 Family {PROCESSOR_LEVEL} Model {PROCESSOR_REVISION >> 8} "
            f"Stepping {PROCESSOR_REVISION & 0xFF}, GenuineIntel")


def _default_variables() -> list[tuple[str, str]]:
    local = PROFILE + "\\AppData\\Local"
    system_path = (f"{WINDOWS}\\system32;{WINDOWS};{WINDOWS}\\System32\\Wbem;"
                   f"{WINDOWS}\\System32\\WindowsPowerShell\\v1.0\\;{WINDOWS}\\System32\\OpenSSH\\")
    return [
        ("=C:", CURRENT_DIRECTORY),
        ("ALLUSERSPROFILE", "C:\\ProgramData"),
        ("APPDATA", PROFILE + "\\AppData\\Roaming"),
        ("CommonProgramFiles", PROGRAM_FILES + "\\Common Files"),
        ("CommonProgramFiles(x86)", PROGRAM_FILES_X86 + "\\Common Files"),
        ("CommonProgramW6432", PROGRAM_FILES + "\\Common Files"),
        ("COMPUTERNAME", COMPUTER_NAME),
        ("ComSpec", WINDOWS + "\\system32\\cmd.exe"),
        ("DriverData", WINDOWS + "\\System32\\Drivers\\DriverData"),
        ("HOMEDRIVE", "C:"),
        ("HOMEPATH", PROFILE[2:]),
        ("LOCALAPPDATA", local),
        ("LOGONSERVER", "\\\\" + COMPUTER_NAME),
        ("NUMBER_OF_PROCESSORS", str(PROCESSORS)),
        ("OS", "Windows_NT"),
        ("Path", f"{system_path};{local}\\Microsoft\\WindowsApps;"),
        ("PATHEXT", ".COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC"),
        ("PROCESSOR_ARCHITECTURE", "AMD64"),
        ("PROCESSOR_IDENTIFIER", processor_identifier()),
        ("PROCESSOR_LEVEL", str(PROCESSOR_LEVEL)),
        ("PROCESSOR_REVISION", f"{PROCESSOR_REVISION:04x}"),
        ("ProgramData", "C:\\ProgramData"),
        ("ProgramFiles", PROGRAM_FILES),
        ("ProgramFiles(x86)", PROGRAM_FILES_X86),
        ("ProgramW6432", PROGRAM_FILES),
        ("PSModulePath", f"{PROGRAM_FILES}\\WindowsPowerShell\\Modules;"
                         f"{WINDOWS}\\system32\\WindowsPowerShell\\v1.0\\Modules"),
        ("PUBLIC", "C:\\Users\\Public"),
        ("SESSIONNAME", "Console"),
        ("SystemDrive", "C:"),
        ("SystemRoot", WINDOWS),
        ("TEMP", local + "\\Temp"),
        ("TMP", local + "\\Temp"),
        ("USERDOMAIN", COMPUTER_NAME),
        ("USERDOMAIN_ROAMINGPROFILE", COMPUTER_NAME),
        ("USERNAME", USER_NAME),
        ("USERPROFILE", PROFILE),
        ("windir", WINDOWS),
    ]


class Environment:
    """An environment block: variables by name, case-insensitively, listed in Windows' order."""

    def __init__(self, variables: Iterable[tuple[str, str]] = ()) -> None:
        self._by_key: dict[str, tuple[str, str]] = {}
        for name, value in variables:
            self.set(name, value)

    def get(self, name: str) -> str | None:
        found = self._by_key.get(name.upper())
        return found[1] if found else None

    def set(self, name: str, value: str) -> None:
        """Set a variable; one that exists keeps its name's case."""
        old = self._by_key.get(name.upper())
        self._by_key[name.upper()] = (old[0] if old else name, value)

    def delete(self, name: str) -> None:
        self._by_key.pop(name.upper(), None)

    @classmethod
    def from_strings(cls, strings: Iterable[str]) -> Environment:
        """A block from its NAME=VALUE strings (a parent's, as NtCreateUserProcess receives it); a name may start
        with `=` (`=C:=C:\\`); a string without `=` is left out, as Windows' lookups never find it."""
        variables = []
        for text in strings:
            name, equals, value = text[1:].partition("=")
            if equals:
                variables.append((text[0] + name, value))
        return cls(variables)

    def copy(self) -> Environment:
        return Environment(self)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        """(name, value) in the block's order: by the upper-cased name, so `=C:` first."""
        for key in sorted(self._by_key):
            yield self._by_key[key]

    def strings(self) -> list[str]:
        """The block's strings, NAME=VALUE, in order."""
        return [f"{name}={value}" for name, value in self]


def default_environment() -> Environment:
    """The environment of a program the shell of a fresh standard-user session starts (a 64-bit parent)."""
    return Environment(_default_variables())


# (variable, what a 32-bit process gets in it: the 64-bit parent's variable of that name); the reverse direction
# below undoes it from the W6432 copies.
_TO_32 = (("PROCESSOR_ARCHITEW6432", "PROCESSOR_ARCHITECTURE"),
          ("ProgramW6432", "ProgramFiles"), ("CommonProgramW6432", "CommonProgramFiles"),
          ("ProgramFiles", "ProgramFiles(x86)"), ("CommonProgramFiles", "CommonProgramFiles(x86)"))
_TO_64 = (("PROCESSOR_ARCHITECTURE", "PROCESSOR_ARCHITEW6432"),
          ("ProgramFiles", "ProgramW6432"), ("CommonProgramFiles", "CommonProgramW6432"))
X86 = "x86"


def wow64_environment(parent: Environment, wow64: bool, parent_wow64: bool = False) -> Environment:
    """The environment a process of that width (`wow64`: 32-bit) starts with, from its parent's block (the
    first process's parent is the 64-bit shell). Between processes of one width the block passes as it is; across
    widths WoW64's table rewrites its variables from the parent's values (each only when its source variable is
    set), and every other variable passes as the parent has it."""
    child = parent.copy()
    if wow64 == parent_wow64:
        return child
    rules = _TO_32 if wow64 else _TO_64
    for target, source in rules:
        value = parent.get(source)
        if value is not None:
            child.set(target, value)
    if wow64:
        child.set("PROCESSOR_ARCHITECTURE", X86)
    else:
        child.delete("PROCESSOR_ARCHITEW6432")
    return child


class EnvSyntaxError(ValueError):
    """A malformed --env value or --env-file line (its message is the user's one line)."""


def parse_assignment(text: str) -> tuple[str, str]:
    """NAME=VALUE: the name is what precedes the first `=` (not empty), the value may hold `=` or be empty."""
    name, equals, value = text.partition("=")
    if not equals:
        raise EnvSyntaxError(f"{text!r} is not NAME=VALUE")
    if not name.strip():
        raise EnvSyntaxError(f"{text!r} has no name before '='")
    return name, value


def parse_env_file(text: str, filename: str) -> list[tuple[str, str]]:
    """The assignments of an --env-file: a NAME=VALUE a line; blank lines and lines whose first non-blank
    character is `#` are skipped. A malformed line is an error naming the file and the line's number."""
    assignments = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            assignments.append(parse_assignment(line.lstrip()))
        except EnvSyntaxError as exc:
            raise EnvSyntaxError(f"{filename}, line {number}: {exc}") from None
    return assignments


def apply_assignments(env: Environment, assignments: Iterable[tuple[str, str]]) -> Environment:
    """The block with each NAME=VALUE set in turn; NAME= (an empty value) removes NAME, as `set NAME=` does."""
    result = env.copy()
    for name, value in assignments:
        if value:
            result.set(name, value)
        else:
            result.delete(name)
    return result
