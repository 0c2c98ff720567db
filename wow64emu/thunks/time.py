"""System calls about time: the performance counter, the system time, delays."""

from .decl import LARGE_IN, LARGE_OUT, decl
from .kinds import BOOLEAN

DECLARATIONS = {
    "NtQueryPerformanceCounter": decl(("PerformanceCounter", LARGE_OUT), ("PerformanceFrequency", LARGE_OUT)),
    "NtQuerySystemTime": decl(("SystemTime", LARGE_OUT)),
    "NtDelayExecution": decl(("Alertable", BOOLEAN), ("DelayInterval", LARGE_IN)),
}
