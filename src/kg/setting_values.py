"""What each setting's value may be: one parser per kind, whose ValueError says what
was expected (``kg.config`` adds which flag, variable or kg.toml key gave the value)."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a string")
    return value


def iri_base(value: Any) -> str:
    value = text(value)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("expected an absolute http(s) IRI such as https://example.org/")
    if not value.endswith("/"):
        raise ValueError("must end with '/' so that paths like id/country/china append to it")
    return value


def port(value: Any) -> int:
    port = int(value)
    if not 0 <= port <= 65535:
        raise ValueError("expected a port number between 0 and 65535")
    return port


def positive_number(value: Any) -> float:
    number = float(value)
    if not number > 0:
        raise ValueError("expected a number greater than 0")
    return number


def count(value: Any) -> int:
    if isinstance(value, float) or (isinstance(value, str) and not value.strip().isdigit()):
        raise ValueError("expected a whole number")
    number = int(value)
    if number < 0:
        raise ValueError("expected a whole number, 0 or more")
    return number


def iri_list(value: Any) -> tuple[str, ...]:
    items = value.replace(",", " ").split() if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise ValueError("expected a list of IRIs (TOML array, or comma-separated)")
    for item in items:
        parts = urlsplit(text(item))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"{item!r} is not an absolute http(s) IRI")
    return tuple(items)


def network_list(value: Any) -> tuple[str, ...]:
    items = value.replace(",", " ").split() if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise ValueError("expected a list of networks such as 127.0.0.0/8")
    for item in items:
        ipaddress.ip_network(text(item), strict=False)  # ValueError names the bad one
    return tuple(items)


def path(value: Any) -> Path:
    return Path(text(value))


def is_url(value: object) -> bool:
    """Whether a ``store`` value names a remote SPARQL endpoint rather than a local path."""
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def url(value: Any) -> str:
    value = text(value)
    parts = urlsplit(value)
    if value and (parts.scheme not in ("http", "https") or not parts.netloc):
        raise ValueError("expected an http(s) URL such as http://localhost:7878/update")
    return value


def store(value: Any) -> Path | str:
    """A local path, or the http(s) URL of a remote SPARQL query endpoint."""
    return url(value) if is_url(value) else path(value)


def choice(*allowed: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if text(value) not in allowed:
            raise ValueError(f"expected one of: {', '.join(allowed)}")
        return value

    return parse
