"""The C runtimes export what real programs import: the functions a census of 132 real Windows programs (standard
mingw-w64 builds in both widths, MSVC builds with the UCRT such as setuptools' launchers) imports from msvcrt.dll,
the api-ms-win-crt-* API sets (hosted by ucrtbase.dll) and vcruntime140.dll, as the census lists them: for msvcrt.dll
the 60 imported by the most programs (of 170), for the UCRT and vcruntime140 all of them."""

from __future__ import annotations

from pathlib import Path

import pefile
import pytest

SYSROOT = Path(__file__).resolve().parent.parent / "wow64emu" / "sysroot" / "Windows"
FOLDERS = {"x86": "SysWOW64", "x64": "System32"}

MSVCRT = [
    "__getmainargs", "__set_app_type", "exit", "free", "fwrite", "memcpy", "__setusermatherr", "_cexit", "_initterm",
    "_onexit", "abort", "calloc", "fprintf", "malloc", "signal", "strlen", "strncmp", "vfprintf", "__initenv",
    "_amsg_exit", "memset", "_errno", "fputc", "localeconv", "strerror", "wcslen", "_lock", "_unlock", "_acmdln",
    "setlocale", "__C_specific_handler", "__iob_func", "_fmode", "strchr", "___lc_codepage_func",
    "___mb_cur_max_func", "__p__fmode", "_commode", "_iob", "__mb_cur_max", "__p__acmdln", "__p__commode", "atoi",
    "fflush", "realloc", "fclose", "fopen", "fread", "getc", "strftime", "ungetc", "_close", "_read", "strcmp",
    "_fdopen", "_filelengthi64", "_fileno", "_fstat64", "_lseeki64", "_wfopen",
]
UCRT = [
    "_set_new_mode", "free", "calloc", "_callnewh", "malloc", "_configthreadlocale", "__setusermatherr", "__p___argc",
    "__p___argv", "_c_exit", "_cexit", "_configure_narrow_argv", "_crt_atexit", "_exit",
    "_get_initial_narrow_environment", "_initialize_narrow_environment", "_initialize_onexit_table", "_initterm",
    "_initterm_e", "_register_onexit_function", "_register_thread_local_exe_atexit_callback", "_seh_filter_exe",
    "_set_app_type", "exit", "terminate", "_controlfp_s", "__p__commode", "_set_fmode", "__acrt_iob_func",
    "__stdio_common_vfprintf", "__stdio_common_vsprintf", "_close", "_open", "_read", "puts", "isspace", "strncmp",
    "strncpy", "strcmp", "_makepath", "_splitpath", "_execv", "atoi",
]
VCRUNTIME = [
    "memset", "__current_exception", "__current_exception_context", "_except_handler4_common", "__C_specific_handler",
    "_CxxThrowException", "memcpy", "__std_terminate", "__CxxFrameHandler3", "__RTDynamicCast",
    "__std_exception_copy", "__std_exception_destroy", "__std_type_info_name",
]
# Exports of one width only on Windows, as in the census's programs of that width.
ONLY = {"__C_specific_handler": "x64", "_except_handler4_common": "x86", "__iob_func": "x64"}


def _exports(width: str, dll: str) -> set[str]:
    pe = pefile.PE(str(SYSROOT / FOLDERS[width] / dll), fast_load=True)
    pe.parse_data_directories(directories=[pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_EXPORT"]])
    return {s.name.decode() for s in pe.DIRECTORY_ENTRY_EXPORT.symbols if s.name}


@pytest.mark.parametrize("width", ["x86", "x64"])
@pytest.mark.parametrize(("dll", "names"), [("msvcrt.dll", MSVCRT), ("ucrtbase.dll", UCRT),
                                            ("vcruntime140.dll", VCRUNTIME)], ids=["msvcrt", "ucrt", "vcruntime140"])
def test_every_census_function_is_exported(width: str, dll: str, names: list[str]) -> None:
    exported = _exports(width, dll)
    missing = [n for n in names if ONLY.get(n, width) == width and n not in exported]
    assert missing == []


def test_vcruntime140_1_hosts_the_cxx_frame_handler_4_of_x64_programs() -> None:
    assert "__CxxFrameHandler4" in _exports("x64", "vcruntime140_1.dll")
