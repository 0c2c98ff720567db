"""The environment a process starts with: a fresh Windows 10 session's, WoW64's table between widths, --env and
--env-file (wow64emu/loader/environment.py; docs/environment.md). fixtures/src/envblock.c prints the block it
started with, or the variables it is given, in both widths."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from wow64emu.kernel import registry_defaults, sysinfo
from wow64emu.kernel.console import StdStreams
from wow64emu.loader.environment import (
    Environment,
    EnvSyntaxError,
    apply_assignments,
    default_environment,
    parse_env_file,
    wow64_environment,
)
from wow64emu.machine import Machine

BIN = Path(__file__).resolve().parent.parent / "fixtures" / "bin"
WIDTHS = ["x86", "x64"]


def run(width: str, root: Path, *args: str, environment: Environment | None = None) -> list[str]:
    streams = StdStreams(io.BytesIO(), io.BytesIO(), io.BytesIO())
    outcome = Machine(BIN / width / "envblock.exe", list(args), root=root, streams=streams,
                      environment=environment).run(timeout=60)
    assert outcome.exit_status == 0
    return streams.stdout.getvalue().decode("ascii").splitlines()


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wow64emu", "run", *args], capture_output=True, text=True,
                          timeout=120)


# ---- the default --------------------------------------------------------------------------------------------

def test_the_default_is_a_fresh_sessions_in_windows_order() -> None:
    env = default_environment()
    names = [name for name, _ in env]
    assert names[0] == "=C:" and env.get("=C:") == "C:\\"
    assert names == sorted(names, key=str.upper)
    assert names.index("CommonProgramFiles") < names.index("CommonProgramFiles(x86)") < names.index("COMPUTERNAME")
    assert {"ALLUSERSPROFILE", "APPDATA", "ComSpec", "DriverData", "HOMEDRIVE", "HOMEPATH", "LOCALAPPDATA",
            "LOGONSERVER", "OS", "PATHEXT", "ProgramData", "PSModulePath", "PUBLIC", "SystemDrive", "SystemRoot",
            "TEMP", "TMP", "USERDOMAIN", "USERPROFILE", "windir"} <= set(names)
    assert env.get("PATH") == ("C:\\Windows\\system32;C:\\Windows;C:\\Windows\\System32\\Wbem;"
                               "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\;C:\\Windows\\System32\\OpenSSH\\;"
                               "C:\\Users\\User\\AppData\\Local\\Microsoft\\WindowsApps;")
    assert env.get("TEMP") == env.get("TMP") == "C:\\Users\\User\\AppData\\Local\\Temp"
    assert "PROCESSOR_ARCHITEW6432" not in names


def test_the_default_agrees_with_the_registry_and_the_kernel() -> None:
    env = default_environment()
    assert env.get("COMPUTERNAME") == env.get("USERDOMAIN") == registry_defaults.COMPUTER_NAME
    assert env.get("NUMBER_OF_PROCESSORS") == str(sysinfo.PROCESSORS)
    assert env.get("PROCESSOR_LEVEL") == str(sysinfo.PROCESSOR_LEVEL)
    assert env.get("PROCESSOR_REVISION") == f"{sysinfo.PROCESSOR_REVISION:04x}"
    machine = dict(registry_defaults.MACHINE)
    system = machine[f"{registry_defaults.CONTROL_SET}\\Control\\Session Manager\\Environment"]
    assert system["PROCESSOR_IDENTIFIER"] == registry_defaults.sz(env.get("PROCESSOR_IDENTIFIER"))
    assert system["PATHEXT"] == registry_defaults.sz(env.get("PATHEXT"))
    assert env.get("USERNAME") == "User"  # advapi32's GetUserNameW (guest/advapi32/token.c)


# ---- WoW64's table ------------------------------------------------------------------------------------------

def test_a_32_bit_child_of_a_64_bit_parent() -> None:
    parent = apply_assignments(default_environment(), [("MINE", "kept")])
    child = wow64_environment(parent, wow64=True)
    assert child.get("PROCESSOR_ARCHITECTURE") == "x86" and child.get("PROCESSOR_ARCHITEW6432") == "AMD64"
    assert child.get("ProgramFiles") == "C:\\Program Files (x86)"
    assert child.get("ProgramW6432") == "C:\\Program Files"
    assert child.get("CommonProgramFiles") == "C:\\Program Files (x86)\\Common Files"
    assert child.get("CommonProgramW6432") == "C:\\Program Files\\Common Files"
    assert child.get("MINE") == "kept" and child.get("ProgramFiles(x86)") == "C:\\Program Files (x86)"
    assert parent.get("PROCESSOR_ARCHITECTURE") == "AMD64"  # the parent's block is not changed


def test_a_64_bit_child_of_a_32_bit_parent_gets_the_64_bit_values_back() -> None:
    parent = wow64_environment(default_environment(), wow64=True)
    child = wow64_environment(parent, wow64=False, parent_wow64=True)
    assert child.get("PROCESSOR_ARCHITECTURE") == "AMD64" and child.get("PROCESSOR_ARCHITEW6432") is None
    assert child.get("ProgramFiles") == "C:\\Program Files"
    assert child.get("CommonProgramFiles") == "C:\\Program Files\\Common Files"
    assert child.get("ProgramW6432") == "C:\\Program Files"
    assert list(child) == list(default_environment())


def test_across_widths_the_table_works_from_the_parents_values() -> None:
    parent = apply_assignments(wow64_environment(default_environment(), wow64=True),
                               [("ProgramW6432", "D:\\Apps"), ("ProgramFiles", "E:\\Ignored"), ("MINE", "1")])
    child = wow64_environment(parent, wow64=False, parent_wow64=True)
    assert child.get("ProgramFiles") == "D:\\Apps" and child.get("MINE") == "1"


def test_within_one_width_the_block_passes_as_it_is() -> None:
    parent = apply_assignments(wow64_environment(default_environment(), wow64=True),
                               [("PROCESSOR_ARCHITECTURE", "changed")])
    assert list(wow64_environment(parent, wow64=True, parent_wow64=True)) == list(parent)
    assert list(wow64_environment(default_environment(), wow64=False)) == list(default_environment())


def test_a_variable_whose_source_is_missing_is_left_alone() -> None:
    parent = apply_assignments(default_environment(), [("ProgramFiles(x86)", "")])
    child = wow64_environment(parent, wow64=True)
    assert child.get("ProgramFiles") == "C:\\Program Files" and child.get("ProgramW6432") == "C:\\Program Files"


def test_names_are_case_insensitive_and_keep_their_case() -> None:
    env = apply_assignments(default_environment(), [("path", "X"), ("new", "1")])
    assert ("Path", "X") in list(env) and ("new", "1") in list(env) and env.get("PATH") == "X"


def test_a_block_read_back_from_its_strings() -> None:
    env = wow64_environment(default_environment(), wow64=True)
    assert list(Environment.from_strings(env.strings())) == list(env)
    assert list(Environment.from_strings(["b=2", "=D:=D:\\x", "A==", "junk"])) == [
        ("=D:", "D:\\x"), ("A", "="), ("b", "2")]


# ---- --env and --env-file -----------------------------------------------------------------------------------

def test_env_file_lines() -> None:
    text = "# a comment\n\nA=1\n  B = two=2\nC=\n"
    assert parse_env_file(text, "f.env") == [("A", "1"), ("B ", " two=2"), ("C", "")]
    with pytest.raises(EnvSyntaxError, match=r"^f.env, line 3: 'oops' is not NAME=VALUE$"):
        parse_env_file("A=1\n# c\noops\n", "f.env")
    with pytest.raises(EnvSyntaxError, match=r"^f.env, line 1: '=x' has no name before '='$"):
        parse_env_file("=x\n", "f.env")


def test_env_and_env_file_on_the_command_line(tmp_path: Path) -> None:
    env_file = tmp_path / "vars.env"
    env_file.write_text("# set by the file\nFROM_FILE=file\nBOTH=file\nTEMP=C:\\tmp\n", encoding="utf-8")
    result = cli("--root", str(tmp_path / "c"), "--env-file", str(env_file), "--env", "BOTH=option",
                 "--env", "OS=", "--env", "ProgramFiles=D:\\PF", str(BIN / "x86" / "envblock.exe"),
                 "FROM_FILE", "BOTH", "TEMP", "OS", "ProgramFiles", "ProgramW6432")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == ["FROM_FILE=file", "BOTH=option", "TEMP=C:\\tmp", "OS not defined",
                                          "ProgramFiles=C:\\Program Files (x86)", "ProgramW6432=D:\\PF"]


def test_a_bad_env_file_line_is_one_line_and_exit_2(tmp_path: Path) -> None:
    env_file = tmp_path / "bad.env"
    env_file.write_text("GOOD=1\n\nno equals sign here\n", encoding="utf-8")
    result = cli("--env-file", str(env_file), str(BIN / "x64" / "envblock.exe"))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (f"wow64emu run: error: argument --env-file: {env_file}, line 3: "
                             "'no equals sign here' is not NAME=VALUE\n")
    result = cli("--env", "NOEQUALS", str(BIN / "x64" / "envblock.exe"))
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


# ---- what programs see --------------------------------------------------------------------------------------

@pytest.mark.parametrize("width", WIDTHS)
def test_the_block_a_program_starts_with(width: str, tmp_path: Path) -> None:
    lines = run(width, tmp_path)
    assert lines[0] == "=C:=C:\\"
    assert lines == wow64_environment(default_environment(), wow64=width == "x86").strings()
    if width == "x86":
        assert "PROCESSOR_ARCHITECTURE=x86" in lines and "PROCESSOR_ARCHITEW6432=AMD64" in lines
        assert "ProgramFiles=C:\\Program Files (x86)" in lines
        assert "CommonProgramFiles=C:\\Program Files (x86)\\Common Files" in lines
    else:
        assert "PROCESSOR_ARCHITECTURE=AMD64" in lines
        assert not any(line.startswith("PROCESSOR_ARCHITEW6432=") for line in lines)
        assert "ProgramFiles=C:\\Program Files" in lines
    assert "ProgramW6432=C:\\Program Files" in lines and "CommonProgramW6432=C:\\Program Files\\Common Files" in lines


@pytest.mark.parametrize("width", WIDTHS)
def test_a_given_environment_goes_through_the_table(width: str, tmp_path: Path) -> None:
    given = apply_assignments(default_environment(), [("MINE", "kept"), ("windir", "")])
    lines = run(width, tmp_path, "MINE", "windir", "PROCESSOR_ARCHITECTURE", environment=given)
    arch = "x86" if width == "x86" else "AMD64"
    assert lines == ["MINE=kept", "windir not defined", f"PROCESSOR_ARCHITECTURE={arch}"]


def test_every_folder_the_default_environment_names_exists_on_a_fresh_drive(tmp_path: Path) -> None:
    from wow64emu.kernel.volume import Volume
    from wow64emu.loader.environment import default_environment

    Volume(tmp_path)
    env = default_environment()
    folders = [value for _, value in env
               if value.startswith("C:\\") and not value.upper().startswith("C:\\WINDOWS")  # the sysroot's
               and ";" not in value and "." not in value.rsplit("\\", 1)[-1]]
    for name in ("ALLUSERSPROFILE", "APPDATA", "LOCALAPPDATA", "ProgramFiles", "ProgramFiles(x86)", "PUBLIC",
                 "TEMP", "USERPROFILE", "CommonProgramFiles"):
        assert env.get(name) in folders
    for folder in folders:
        assert (tmp_path / folder[3:].replace("\\", "/")).is_dir(), folder
