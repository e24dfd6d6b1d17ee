"""kg: a linked-data publisher for the facts that news articles report.

The public API is a handful of plain functions; the CLI and the HTTP app are
thin shells over them.
"""

__version__ = "0.1.0"

from kg.build import BuildResult, build, validate_only
from kg.config import Settings
from kg.errors import KgError
from kg.store import EmbeddedStore, open_store

__all__ = [
    "BuildResult",
    "EmbeddedStore",
    "KgError",
    "Settings",
    "__version__",
    "build",
    "open_store",
    "validate_only",
]
