"""The CPU: what the emulator asks of one (backend.py) and its Unicorn implementation (unicorn.py), with the page
tables it walks (paging.py), the CPU state Unicorn hides (cpustate.py) and direct calls into its library
(uclib.py)."""
