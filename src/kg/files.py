"""Files every stage writes the same way: whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write through a temporary file and a rename: readers see the old file or the new."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_bytes(content.encode() if isinstance(content, str) else content)
    os.replace(temp, path)
