"""Installing the real programs tests need (Debian packages), once, by the tests themselves."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from pathlib import Path

import pytest

LOCK = Path("/tmp/kg-test-apt.lock")


def _present(program_or_file: str) -> bool:
    path = Path(program_or_file)
    return bool(shutil.which(program_or_file)) or (path.is_absolute() and path.exists())


def ensure_debian_packages(binaries: dict[str, str]) -> None:
    """Make sure each program (name -> Debian package) is on PATH, installing if needed.

    A name that is an absolute path stands for a file the package installs (a jar).

    CI runs on a fresh machine as root with Debian's mirrors reachable; elsewhere a
    missing program skips the test with the command that installs it.
    """
    missing = sorted({pkg for binary, pkg in binaries.items() if not _present(binary)})
    if not missing:
        return
    command = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing]
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip(f"needs Debian packages {missing}; install with: sudo {' '.join(command)}")
    with LOCK.open("w") as lock:  # one installer at a time across test processes
        fcntl.flock(lock, fcntl.LOCK_EX)
        env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, capture_output=True)
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    still_missing = [b for b in binaries if not _present(b)]
    if still_missing:
        pytest.skip(f"could not install {missing}: {result.stderr[-500:]}")
