"""wow64emu: an emulator of Windows' WoW64 layer."""

__version__ = "0.1.0"
