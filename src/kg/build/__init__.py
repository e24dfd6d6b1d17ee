"""The build: project files in, one validated dataset in a new store out.

Owns assembling the named graphs from the project (``dataset``, with the types the
ontology implies from ``implied_types``), loading them article
batch by article batch (``loading``), SHACL and the ``*-violation.rq`` gates
(``validate``, with ``shacl_batches``, ``shacl_tuning`` and ``rdflib_memory`` to make
pySHACL fast, and
``causes`` to put each problem at the line of its mistake, consequences under it), the
state that lets a rebuild start from the last store (``incremental``), the checks of
links to Wikidata and DBpedia (``links``), and the whole run with its atomic swap
(``pipeline``: ``build``, ``validate_only``, ``link_check``).

May import: ``kg.store`` (it writes a store), ``kg.project`` and the shared leaves.
Never the release or serving. Heavy (rdflib, pySHACL): nothing that serves imports it.
"""
