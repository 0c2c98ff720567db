"""The CPU of a process that has ended and been reaped (System.reap): its Unicorn engine is closed, so what the
address space still tells a CPU (a page unmapped, the TLB flushed, code invalidated) goes nowhere, and a stop is
nothing to do. Nothing runs on it again: anything else is a bug, said as one."""

from __future__ import annotations


class DetachedCpu:
    def stop(self) -> None:
        pass

    def close(self) -> None:
        pass

    def flush_code(self) -> None:
        pass

    def flush_tlb(self) -> None:
        pass

    def map_page(self, va: int, frame: int, readable: bool, writable: bool, executable: bool) -> None:
        pass

    def unmap_page(self, va: int) -> None:
        pass

    def watch_stores(self, frame: int) -> None:
        pass

    def invalidate_code(self, va: int, size: int) -> None:
        pass

    def __getattr__(self, name: str) -> object:
        raise RuntimeError(f"the CPU of a process that has ended was asked for {name}")
