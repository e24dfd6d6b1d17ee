"""kg: a linked-data publisher for the facts that news articles report.

The public API is a handful of plain functions; the CLI and the HTTP app are
thin shells over them. Names are imported lazily so that light processes (the
query workers) do not pay for rdflib and pySHACL.

The package follows the flow *project files -> build -> store -> serve / release*:
``kg.project``, ``kg.build``, ``kg.store``, ``kg.serve`` and ``kg.release``, over the
shared leaves beside this file (``config`` with ``setting_values``, ``errors``,
``formats``, ``namespaces``, ``queries``, ``querytext``, ``output``). The build itself
is ``kg.build.pipeline.build``: ``kg.build`` names its subpackage.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "BuildResult": "kg.build.pipeline",
    "EmbeddedStore": "kg.store.embedded",
    "KgError": "kg.errors",
    "RemoteStore": "kg.store.remote",
    "Settings": "kg.config",
    "create_app": "kg.serve.app",
    "open_store": "kg.store",
    "publish": "kg.release.publish",
    "validate_only": "kg.build.pipeline",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
