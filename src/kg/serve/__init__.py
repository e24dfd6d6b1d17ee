"""Serving: the HTTP application over a store, for people and machines.

Owns ``create_app`` (``app``) and its routers: the SPARQL 1.1 Protocol (``sparql``, with
``service_description`` and, for browsers, ``query_page``), the Graph Store Protocol's
read side (``graph_store``), dereferenceable IRIs (``pages``, from ``resources``,
``views``, ``ontology_docs``, ``highlights`` for an article's mentions and ``pictures``
for the data the pages draw), downloads of the dumps (``downloads``), the change feed
(``changes``), the 410 of an IRI a release removed (``tombstones``: a page, RDF or the
JSON error body, saying what it was and which correction or retraction removed it)
and the reconciliation service (``reconcile``, reading requests in
``reconcile_request``, ranking ``reconcile_candidates``); the HTTP limits (``httpbody``,
``urllimit``, ``ratelimit``); the response cache (``cache``); the short way through the
app for queries (``fastlane``); the templates and static assets.

May import: ``kg.release`` (to serve what it wrote), ``kg.store``, ``kg.project`` and
the shared leaves. Never the build: ``kg serve`` does not load rdflib or pySHACL.
"""
