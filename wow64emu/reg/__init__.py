"""The registry from outside a run: regedit's `.reg` files and the `wow64emu reg` command."""
