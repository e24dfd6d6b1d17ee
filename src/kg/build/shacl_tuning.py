"""pySHACL made fast for the build's shapes, without changing what it reports.

pySHACL spends a corpus build's time in its own dispatch rather than in checking:
every ``Shape.validate`` call (one per node shape, per property shape, and per
value node of an ``sh:node``) looks each predicate of the shape up in a *list* of
about forty constraint parameters with rdflib's slow ``__eq__``, and a node shape
re-derives its focus nodes before handing them to each of its property shapes.
Two changes, both applied only to what the build hands pySHACL (``shapes/*.ttl``
stay as curators read them and ``kg.serve.ontology_docs`` documents them):

- ``flatten``: each property shape of a targeted node shape gets the node shape's
  targets and is validated directly. SHACL gives the same results (a property
  shape of a node shape validates exactly that node shape's focus nodes, and a
  result names the property shape as its source either way); the node shape is
  only flattened when nothing but ``sh:property`` and its targets hang off it and
  no other shape refers to it.
- ``speed_up_pyshacl``: the parameter lookup becomes a set lookup.

``tests/seed/test_shapes.py`` checks that every example gives the same results with
the flattened shapes as with the shapes as written.
"""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import RDF, SH
from rdflib.term import Node

TARGETS = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf)
# what a flattened node shape may carry besides its targets and sh:property
_BENIGN = {RDF.type, SH.property, SH.name, SH.description, SH.message, *TARGETS}
# predicates by which a shape refers to another one: such a node shape is kept as written
_REFERRING = (SH.node, SH.qualifiedValueShape, SH["not"], SH["and"], SH["or"], SH.xone)


def prepare(shapes: Graph) -> tuple[Graph, dict[Node, Node]]:
    """The shapes graph to hand pySHACL, and the node shape each blank property shape is in.

    Problems name a blank property shape by its node shape (``kg.build.validate``); that map
    comes from the shapes as written, so flattening changes no report.
    """
    speed_up_pyshacl()
    parents = {prop: shape for shape, prop in shapes.subject_objects(SH.property)}
    return flatten(shapes), parents


def flatten(shapes: Graph) -> Graph:
    """A copy of ``shapes`` where targeted node shapes hand their targets to their properties."""
    flat = Graph()
    for triple in shapes:
        flat.add(triple)
    referred = {o for p in _REFERRING for o in shapes.objects(None, p)}
    for shape in set(shapes.subjects(SH.property, None)):
        targets = [(p, o) for p in TARGETS for o in shapes.objects(shape, p)]
        if not targets or shape in referred:
            continue
        if any(p not in _BENIGN for p in shapes.predicates(shape, None)):
            continue
        for prop in shapes.objects(shape, SH.property):
            for predicate, target in targets:
                flat.add((prop, predicate, target))
            flat.remove((shape, SH.property, prop))
        for predicate, target in targets:
            flat.remove((shape, predicate, target))
    return flat


class _ParameterList(list):
    """pySHACL's list of constraint parameters, with set-speed membership tests."""

    def __init__(self, items: list) -> None:
        super().__init__(items)
        self._members = frozenset(items)

    def __contains__(self, item: object) -> bool:
        return item in self._members


def speed_up_pyshacl() -> None:
    """Replace the parameter list pySHACL caches on first use by one with fast lookups.

    ``pyshacl.shape`` keeps ``(parameters, map)`` in a module attribute that it fills
    lazily; filling it first with an equal list changes nothing but the speed.
    """
    from pyshacl import shape
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP

    shape.CONSTRAINT_PARAMS = (
        _ParameterList(ALL_CONSTRAINT_PARAMETERS),
        CONSTRAINT_PARAMETERS_MAP,
    )
