"""Structure layouts: sizes and offsets in both widths against the documented values, and the widening rules."""

import pytest

from wow64emu.nt import layouts as L
from wow64emu.nt.syscalls import by_name, syscalls, windows_numbers
from wow64emu.thunks.dispatch import decode_service


@pytest.mark.parametrize(("layout", "size32", "size64"), [
    (L.UNICODE_STRING, 8, 16),
    (L.OBJECT_ATTRIBUTES, 24, 48),
    (L.IO_STATUS_BLOCK, 8, 16),
    (L.CLIENT_ID, 8, 16),
    (L.LARGE_INTEGER, 8, 8),
])
def test_sizes_match_windows(layout: L.Layout, size32: int, size64: int) -> None:
    assert (layout.size(32), layout.size(64)) == (size32, size64)


@pytest.mark.parametrize(("layout", "field", "off32", "off64"), [
    (L.UNICODE_STRING, "Buffer", 4, 8),
    (L.OBJECT_ATTRIBUTES, "RootDirectory", 4, 8),
    (L.OBJECT_ATTRIBUTES, "ObjectName", 8, 16),
    (L.OBJECT_ATTRIBUTES, "Attributes", 12, 24),
    (L.OBJECT_ATTRIBUTES, "SecurityDescriptor", 16, 32),
    (L.OBJECT_ATTRIBUTES, "SecurityQualityOfService", 20, 40),
    (L.IO_STATUS_BLOCK, "Information", 4, 8),
    (L.CLIENT_ID, "UniqueThread", 4, 8),
])
def test_offsets_match_windows(layout: L.Layout, field: str, off32: int, off64: int) -> None:
    assert (layout.offset(field, 32), layout.offset(field, 64)) == (off32, off64)


def test_handles_sign_extend_and_pointers_zero_extend() -> None:
    v32 = {"Length": 24, "RootDirectory": 0xFFFFFFFE, "ObjectName": 0x80001000, "Attributes": 0x40,
           "SecurityDescriptor": 0, "SecurityQualityOfService": 0xFFFFFFF0}
    v64 = L.OBJECT_ATTRIBUTES.widen(v32)
    assert v64["RootDirectory"] == 0xFFFFFFFFFFFFFFFE
    assert v64["ObjectName"] == 0x80001000
    assert v64["SecurityQualityOfService"] == 0xFFFFFFF0
    assert v64["Length"] == 48  # the size field follows the width
    assert L.OBJECT_ATTRIBUTES.narrow(v64) == v32


def test_a_wrong_structure_length_is_not_made_right() -> None:
    v64 = L.OBJECT_ATTRIBUTES.widen({"Length": 20, "RootDirectory": 0, "ObjectName": 0, "Attributes": 0,
                                     "SecurityDescriptor": 0, "SecurityQualityOfService": 0})
    assert v64["Length"] == 20


def test_sizes_clamp_and_status_truncates_when_narrowed() -> None:
    narrowed = L.IO_STATUS_BLOCK.narrow({"Status": 0xFFFFFFFFC0000011, "Information": 0x1_0000_0005})
    assert narrowed == {"Status": 0xC0000011, "Information": 0xFFFFFFFF}


def test_pack_and_unpack_round_trip_in_both_widths() -> None:
    values = {"Length": 6, "MaximumLength": 8, "Buffer": 0x401000}
    for width in (32, 64):
        data = L.UNICODE_STRING.pack(values, width)
        assert len(data) == L.UNICODE_STRING.size(width)
        assert L.UNICODE_STRING.unpack(data, width) == values


def test_large_integer_passes_through_and_object_attributes_converts() -> None:
    assert L.LARGE_INTEGER.invariant
    assert not L.OBJECT_ATTRIBUTES.invariant


def test_decode_service_splits_number_table_and_turbo() -> None:
    assert decode_service(0x000D0004) == (0x004, 0, 0xD)  # NtWaitForSingleObject as Windows 10 loads it
    assert decode_service(0x00001001) == (0x001, 1, 0)


@pytest.mark.parametrize(("name", "number", "arg_bytes"), [
    ("NtClose", 0x0F, 4), ("NtCreateFile", 0x55, 44), ("NtOpenFile", 0x33, 24), ("NtReadFile", 0x06, 36),
    ("NtWriteFile", 0x08, 36), ("NtQueryInformationFile", 0x11, 20), ("NtAllocateVirtualMemory", 0x18, 24),
    ("NtFreeVirtualMemory", 0x1E, 16), ("NtTerminateProcess", 0x2C, 8), ("NtQueryPerformanceCounter", 0x31, 8),
])
def test_table_numbers_and_argument_bytes_match_windows_10(name: str, number: int, arg_bytes: int) -> None:
    call = by_name()[name]
    assert (call.number, call.arg_bytes) == (number, arg_bytes)


def test_every_number_comes_from_the_windows_table() -> None:
    numbers = windows_numbers()
    assert len(numbers) == 473 + 1316
    for call in syscalls():
        assert numbers[call.name] == call.number
