"""kg: a linked-data publisher for the facts that news articles report.

The public API is a handful of plain functions; the CLI and the HTTP app are
thin shells over them. Names are imported lazily so that light processes (the
query workers) do not pay for rdflib and pySHACL.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "BuildResult": "kg.build",
    "EmbeddedStore": "kg.store",
    "KgError": "kg.errors",
    "RemoteStore": "kg.remote",
    "Settings": "kg.config",
    "build": "kg.build",
    "create_app": "kg.app",
    "open_store": "kg.store",
    "publish": "kg.publish",
    "validate_only": "kg.build",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
