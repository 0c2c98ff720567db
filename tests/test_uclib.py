"""The CPU's own calls into Unicorn's C library (emu/cpu/uclib.py), set against the Python binding that ships with
Unicorn: the same library, the same numbers, the same results."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys

import pytest
import unicorn
from unicorn import unicorn_const, x86_const
from unicorn.unicorn_py3 import unicorn as binding

from wow64emu.emu.cpu import ucconst
from wow64emu.emu.cpu.uclib import LIB, Engine, RegisterBatch, UcError


def test_the_library_is_the_one_the_binding_loads() -> None:
    assert os.path.samefile(LIB._name, binding.uclib._name)


def test_every_number_is_the_bindings() -> None:
    names = [n for n in vars(ucconst) if n.startswith("UC_")]
    assert len(names) > 50
    for name in names:
        theirs = getattr(x86_const, name, getattr(unicorn_const, name, None))
        assert getattr(ucconst, name) == theirs, name


def test_registers_of_every_width_and_the_structured_ones_read_back_as_the_binding_sees_them() -> None:
    engine = Engine()
    engine.reg_write(ucconst.UC_X86_REG_RAX, 0x1122_3344_5566_7788)
    engine.reg_write(ucconst.UC_X86_REG_FPCW, 0x27F)  # 16 bits
    engine.write_msr(0xC000_0080, engine.read_msr(0xC000_0080) | 0x800)  # EFER.NXE
    engine.write_gdtr(0x7FFF_FFFF_0000, 0x7F)
    assert engine.reg_read(ucconst.UC_X86_REG_RAX) == 0x1122_3344_5566_7788
    assert engine.reg_read(ucconst.UC_X86_REG_FPCW) == 0x27F
    assert engine.read_msr(0xC000_0080) & 0x800
    assert RegisterBatch(engine, [ucconst.UC_X86_REG_RAX, ucconst.UC_X86_REG_FPCW]).read() == \
        [0x1122_3344_5566_7788, 0x27F]
    # the same state as the binding reads it, from a context saved here and restored into the binding's engine
    theirs = unicorn.Uc(unicorn.UC_ARCH_X86, unicorn.UC_MODE_64)
    saved = engine.context_save()
    restored = theirs.context_save()
    assert saved.size == restored.size
    ctypes.memmove(restored.context, saved.pointer, saved.size)
    theirs.context_restore(restored)
    assert theirs.reg_read(x86_const.UC_X86_REG_RAX) == 0x1122_3344_5566_7788
    assert theirs.reg_read(x86_const.UC_X86_REG_FPCW) == 0x27F
    assert theirs.reg_read(x86_const.UC_X86_REG_GDTR)[1:3] == (0x7FFF_FFFF_0000, 0x7F)
    assert theirs.reg_read(x86_const.UC_X86_REG_MSR, 0xC000_0080) & 0x800


def test_memory_regions_and_code_run_as_mapped() -> None:
    engine = Engine()
    engine.mem_map(0x10000, 0x2000, ucconst.UC_PROT_ALL)
    engine.mem_map(0x40000, 0x1000, 5)
    assert list(engine.mem_regions()) == [(0x10000, 0x11FFF, 7), (0x40000, 0x40FFF, 5)]
    engine.mem_write(0x10000, bytes.fromhex("48c7c007000000" "4801c0"))  # mov rax, 7; add rax, rax
    engine.emu_start(0x10000, 0x1000A)
    assert engine.reg_read(ucconst.UC_X86_REG_RAX) == 14


def test_a_failed_call_is_a_ucerror_with_the_librarys_message() -> None:
    engine = Engine()
    with pytest.raises(UcError) as raised:
        engine.mem_map(0x10001, 0x1000, ucconst.UC_PROT_ALL)  # not page-aligned
    assert raised.value.errno == unicorn_const.UC_ERR_ARG
    assert str(raised.value) == str(unicorn.UcError(unicorn_const.UC_ERR_ARG))


def test_closing_twice_is_harmless() -> None:
    engine = Engine()
    engine.close()
    engine.close()
    assert not engine.handle


def test_the_library_is_found_without_importing_the_binding() -> None:
    done = subprocess.run([sys.executable, "-c", "import sys; from wow64emu.emu.cpu import uclocate; "
                           "print(uclocate.library_path()); print('unicorn' in sys.modules)"],
                          capture_output=True, text=True, timeout=60)
    path, imported = done.stdout.split()
    assert os.path.samefile(path, binding.uclib._name) and imported == "False"


PRELOADED = """
import ctypes, sys, threading
from wow64emu.emu import preload
preload.start()
preloading = [t.name for t in threading.enumerate()]
from wow64emu.emu.cpu import ucconst, uclib
preload._started[0].join()
spare = list(preload._engines)
engine = uclib.Engine()
engine.mem_map(0x10000, 0x1000, ucconst.UC_PROT_ALL)
engine.mem_write(0x10000, bytes.fromhex("48c7c007000000"))  # mov rax, 7
engine.emu_start(0x10000, 0x10007)
print("wow64emu-preload" in preloading, spare == [engine.handle.value], engine.reg_read(ucconst.UC_X86_REG_RAX),
      preload.engine(), uclib.Engine().handle.value not in spare)
"""


def test_the_first_engine_is_the_one_begun_in_the_background_while_the_command_starts() -> None:
    done = subprocess.run([sys.executable, "-c", PRELOADED], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "7", "None", "True"]
