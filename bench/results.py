"""What every benchmark writes into ``bench/RESULTS.md``: the machine and versions it
ran on, the command, and its own generated section, replaced in place on each run
(between ``<!-- NAME: begin … -->`` and ``<!-- NAME: end -->``); the prose around the
sections is written by hand and kept."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import shlex
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def markers(name: str) -> tuple[str, str]:
    return (f"<!-- {name}: begin (generated: rerun `make bench` to refresh) -->",
            f"<!-- {name}: end -->")  # fmt: skip


def version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, str]:
    """The hardware, the system, the versions and how busy the machine was at the start."""
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))  # fmt: skip
    packages = ("kg", "pyoxigraph", "pyshacl", "rdflib", "fastapi", "uvicorn")
    return {
        "cpu": f"{os.cpu_count()} × {cpu}",
        "memory": f"{memory / 2**20:.1f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": ", ".join(f"{p} {version(p)}" for p in packages),
        "load": "load average at the start: " + " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def preamble(info: dict[str, str]) -> list[str]:
    """The lines that say where and how a section was measured."""
    command = " ".join(shlex.quote(a) for a in [".venv/bin/python", *sys.argv])
    return [f"Machine: {info['cpu']}, {info['memory']}, {info['os']}, Python {info['python']}; "
            f"{info['versions']}; {info['load']}.", "", f"Command: `{command}`", ""]  # fmt: skip


def write_section(name: str, body: str, path: Path = RESULTS) -> None:
    """Replace section ``name`` of RESULTS.md (read afresh), or add it at the end."""
    begin, end = markers(name)
    section = f"{begin}\n{body.rstrip()}\n{end}\n"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if begin in text and end in text:
        before, rest = text.split(begin, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    temporary = path.with_suffix(".md.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
