"""The command line read without argparse (cli.parse_args): a plain `run PROGRAM [ARGS...]` gives what argparse
gives, and any other command line is argparse's."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from wow64emu import cli
from wow64emu.arguments import build_parser


@pytest.mark.parametrize("argv", [
    ["run", "hello.exe"],
    ["run", "dir/hello.exe", "a", "-b", "--root", "x", "--", "-v"],  # all the program's, as argparse reads them
    ["run", "hello", "--trace", "syscalls"],
])
def test_a_plain_run_is_read_as_argparse_reads_it(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    imported: list[str] = []
    monkeypatch.setitem(sys.modules, "wow64emu.arguments", types.SimpleNamespace(
        build_parser=lambda: imported.append("arguments")))
    ours = cli.parse_args(argv)
    assert imported == []
    expected = build_parser().parse_args(argv)
    assert isinstance(expected, argparse.Namespace) and vars(ours) == vars(expected)
    assert ours.program == Path(argv[1]) and ours.args == argv[2:]


@pytest.mark.parametrize("argv", [["run", "-v", "hello.exe"], ["run", "--", "hello.exe"], ["vad", "hello.exe"]])
def test_any_other_command_line_is_read_by_argparse(argv: list[str]) -> None:
    assert vars(cli.parse_args(argv)) == vars(build_parser().parse_args(argv))


def test_each_plain_run_has_lists_of_its_own() -> None:
    first = cli.parse_args(["run", "a.exe"])
    first.env.append(("A", "1"))
    assert cli.parse_args(["run", "b.exe"]).env == []
