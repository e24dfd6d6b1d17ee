"""Docs that can rot are tested: the quick start, CI, every setting, every command."""

import re

from kg.cli import build_parser
from kg.config import SPECS
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_quick_start_is_make_serve_and_make_test():
    quick_start = README.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = re.findall(r"^make \w+", quick_start, flags=re.M)
    assert commands == ["make serve", "make test"]
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^serve: .*\n", makefile, flags=re.M)
    assert re.search(r"^test: install", makefile, flags=re.M)


def test_ci_runs_exactly_the_readme_test_command():
    lines = [
        line
        for line in (REPO / ".ci/run").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith(("set ", "cd "))
    ]
    assert lines == ["make test"]


def test_every_setting_is_documented_with_its_flag_and_variable():
    for spec in SPECS:
        row = next(
            (line for line in README.splitlines() if line.startswith(f"| {spec.name} |")), ""
        )
        assert f"`{spec.flag}`" in row and f"`{spec.env_var}`" in row, spec.name
        assert f"[{spec.section}] {spec.name}" in row, spec.name


def test_every_command_is_documented():
    parser = build_parser()
    subcommands = next(a for a in parser._actions if a.dest == "command").choices
    for name in subcommands:
        assert f"`kg {name}" in README, name
