"""Reading and checking a reconciliation request, before any candidate is looked at.

Clients send the same question in many shapes: a ``queries`` form field or query
parameter holding JSON, a JSON body, a single ``query`` (text or JSON), 0.2 queries
keyed ``q0``, ``q1``… or 1.0 queries listed with ``conditions``, a type as an id, an
object or a list. Every shape ends here as one ``Query``, so ranking never has to
wonder what a field holds, and every fault in the client's JSON is a 400 that says
which query holds it. The JSONP callback is checked here too, before any work.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from kg.errors import UnsupportedMediaType, UsageError
from kg.formats import BY_NAME
from kg.serve.httpbody import FORM, decode, media_type, read_body, read_params

DEFAULT_LIMIT = 5
JSON = BY_NAME["jsondoc"].media_type
# a dotted path of ASCII JavaScript identifiers (``cb``, ``jQuery3_1``, ``app.got``): nothing
# that could close the call and run something else in the page that loads the answer
CALLBACK = re.compile(r"[A-Za-z_$][\w$]{0,63}(\.[A-Za-z_$][\w$]{0,63}){0,3}", re.ASCII)


@dataclass(frozen=True)
class Query:
    """One checked query: its text, the type ids it keeps to (none: any type), how many
    candidates it wants, and the property values to look for among an entity's links."""

    text: str
    types: tuple[str, ...]
    limit: int
    values: tuple[str, ...]


@dataclass(frozen=True)
class Batch:
    """Queries by name; ``named`` when they came keyed (0.2) rather than listed (1.0),
    which decides the shape of the answer."""

    queries: dict[str, Query]
    named: bool


async def request_params(request: Request, limit: int) -> dict[str, Any]:
    """One value per parameter, from the query string and a form or JSON body.

    OpenRefine posts a form whose ``queries`` field is JSON text; 1.0 clients post the
    JSON itself, whose ``queries`` arrives here parsed. Any other body is refused rather
    than ignored: ignoring it would answer the manifest, which looks like a bad match."""
    params: dict[str, Any] = {k: v[-1] for k, v in (await read_params(request, limit)).items()}
    kind = media_type(request)
    if request.method != "POST" or kind in (FORM, ""):
        return params
    if kind != JSON:
        raise UnsupportedMediaType(
            f"unsupported request Content-Type {kind!r}",
            hint=f'POST {JSON} ({{"queries": …}}) or {FORM} (queries=…)',
        )
    body = _json(decode(await read_body(request, limit)), "the request body")
    if not isinstance(body, dict) or "queries" not in body:
        raise UsageError("a JSON request body must be an object with a 'queries' member")
    return params | {"queries": body["queries"]}


def jsonp_callback(name: str | None) -> str | None:
    """The JSONP function to call, checked before any work: the name is pasted into
    JavaScript that a page runs, so it must be nothing but an identifier."""
    if name and not CALLBACK.fullmatch(name):
        raise UsageError("callback must be a JavaScript identifier (letters, digits, _, $, dots)")
    return name or None


def read_single(text: str) -> Query:
    """``query=``: plain text, or a whole 0.2 query as JSON when it looks like an object."""
    return read_query(_json(text, "'query'") if text.lstrip().startswith("{") else {"query": text})


def read_batch(batch: Any) -> Batch:
    """0.2 names its queries (``q0``, ``q1``…), the 1.0 draft lists them. A bad query
    fails the batch with its name in the message: a spreadsheet of queries is hard to
    search by eye."""
    if isinstance(batch, str):  # a form field or query parameter: JSON text
        batch = _json(batch, "'queries'")
    if isinstance(batch, dict):
        named = [(str(key), query) for key, query in batch.items()]
    elif isinstance(batch, list):
        named = [(f"queries[{i}]", query) for i, query in enumerate(batch)]
    else:
        raise UsageError(
            "'queries' must be a JSON object of named queries (0.2) or an array of them (1.0)"
        )
    queries = {}
    for name, query in named:
        try:
            queries[name] = read_query(query)
        except UsageError as exc:
            raise UsageError(f"query {name}: {exc.message}", hint=exc.hint) from None
    return Batch(queries, named=isinstance(batch, dict))


def read_query(query: Any) -> Query:
    """A 0.2 query (``{"query", "type", "limit", "properties"}``) or a 1.0 one (with
    ``conditions``), checked."""
    if not isinstance(query, dict):
        raise UsageError("a query must be a JSON object")
    if "conditions" in query:
        query = _from_conditions(query)
    text = query.get("query")
    if not isinstance(text, str):
        raise UsageError("each reconciliation query needs a 'query' string")
    types = tuple(_type_ids(query.get("type")))
    properties = query.get("properties") or []
    if not isinstance(properties, list):
        raise UsageError("'properties' must be a list")
    return Query(text, types, _limit(query.get("limit")), tuple(_values(properties)))


def _from_conditions(query: dict[str, Any]) -> dict[str, Any]:
    """A 1.0 query in the 0.2 shape: the ``name`` condition is the query text,
    ``property`` conditions its properties. Conditions rank, they never filter
    (``required`` and the match qualifiers are not read): we only know names and links."""
    conditions = query["conditions"]
    if not isinstance(conditions, list) or not conditions:
        raise UsageError("'conditions' must be a non-empty array")
    names: list[str] = []
    properties: list[dict[str, Any]] = []
    for condition in conditions:
        kind = condition.get("matchType") if isinstance(condition, dict) else None
        value = condition.get("propertyValue") if isinstance(condition, dict) else None
        if kind == "name" and isinstance(value, str):
            names.append(value)
        elif kind == "property" and isinstance(condition.get("propertyId"), str):
            values = value if isinstance(value, list) else [value]
            properties += [{"pid": condition["propertyId"], "v": v} for v in values]
        else:
            raise UsageError(
                "each condition must be {'matchType': 'name', 'propertyValue': a string} "
                "or {'matchType': 'property', 'propertyId': …, 'propertyValue': …}"
            )
    if len(names) > 1:
        raise UsageError("a query can have one 'name' condition")
    text = names[0] if names else ""
    return {"query": text, "type": query.get("type"), "limit": query.get("limit"),
            "properties": properties}  # fmt: skip


def _type_ids(value: Any) -> list[str]:
    """The type ids a query restricts to. Clients send a type as its id, as the
    ``{"id", "name"}`` object the manifest and the results show, or a list of either;
    no type, ``""`` or ``[]`` means any type."""
    ids = []
    for wanted in value if isinstance(value, list) else [] if value is None else [value]:
        wanted = wanted.get("id") if isinstance(wanted, dict) else wanted
        if not isinstance(wanted, str):
            raise UsageError("'type' must be a type id, an object with an 'id', or a list of them")
        if wanted:
            ids.append(wanted)
    return ids


def _values(properties: list[Any]) -> list[str]:
    """The property values worth looking for (``v``, or its ``id`` when it is an entity).
    We know only links, so the property is not read, and a value we cannot use (a
    number, a date) is passed over rather than refused: it is the client's other column."""
    found = []
    for prop in properties:
        value = prop.get("v") if isinstance(prop, dict) else None
        value = value.get("id") if isinstance(value, dict) else value
        if isinstance(value, str) and value:
            found.append(value)
    return found


def _limit(value: Any) -> int:
    """The client's JSON, not our code, decides whether this is a number: a bad one is a 400
    (a negative one too, which would otherwise cut candidates off the end)."""
    try:
        limit = int(value or DEFAULT_LIMIT)
    except (TypeError, ValueError, OverflowError):
        limit = -1
    if limit < 1:
        raise UsageError("'limit' must be a positive whole number")
    return limit


def _json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{what} is not valid JSON: {exc.msg} at character {exc.pos}") from None
    except RecursionError:  # arrays or objects nested thousands deep
        raise UsageError(f"{what} nests too deeply to read") from None
