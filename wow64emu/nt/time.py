"""System calls about time: the performance counter, the system time (query and set), the timer resolution, delays."""

from .decl import LARGE_IN, LARGE_OUT, ULONG_OUT, decl
from .kinds import BOOLEAN, ULONG

DECLARATIONS = {
    "NtQueryPerformanceCounter": decl(("PerformanceCounter", LARGE_OUT), ("PerformanceFrequency", LARGE_OUT)),
    "NtQuerySystemTime": decl(("SystemTime", LARGE_OUT)),
    "NtSetSystemTime": decl(("SystemTime", LARGE_IN), ("PreviousTime", LARGE_OUT)),
    "NtDelayExecution": decl(("Alertable", BOOLEAN), ("DelayInterval", LARGE_IN)),
    "NtQueryTimerResolution": decl(("MaximumTime", ULONG_OUT), ("MinimumTime", ULONG_OUT),
                                   ("CurrentTime", ULONG_OUT)),
    "NtSetTimerResolution": decl(("DesiredTime", ULONG), ("SetResolution", BOOLEAN), ("CurrentTime", ULONG_OUT)),
}
