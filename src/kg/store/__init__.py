"""The store: where the built dataset is read, embedded or on a SPARQL server.

Owns the on-disk builds and their atomic swap, the embedded Oxigraph store
(``embedded``), a store on a SPARQL 1.1 server (``remote``, with what ``kg publish``
records there: ``publication``), and the worker processes that run queries where
they can be killed (``pool``, ``worker``).

May import: the shared leaves (``kg.config``, ``kg.errors``, ``kg.formats``,
``kg.namespaces``, ``kg.querytext``). Never the build, the release or serving: the
query workers import this package and must stay light.
"""
