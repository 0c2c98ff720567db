"""The ground floor: what Windows' NT interface is, for every layer above it.

System-call declarations (name, number, typed parameters, 32-bit argument bytes), structure layouts in both
widths, parameter kinds, NTSTATUS values, information-class numbers and the shapes of their answers. The kernel
and the thunks both stand on this package; it imports nothing of theirs.
"""
