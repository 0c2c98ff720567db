"""The machine: CPU, gate, memory, process state, trace; the mock NT kernel lives in emu.kernel."""
