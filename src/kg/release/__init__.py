"""The release: the built store turned into files others download, and into a server.

Owns the dumps in ``dist/`` with their checksums (``dumps``), the VoID/DCAT description
(``void``), the table of those files that both read and ``/dumps/`` serves
(``files``), each graph's kept share of every file (``parts``, made on every core by
``part_workers``, with ``union_index`` for what crosses graphs), the releases and
their RDF Patches (``history``), the streaming Turtle, TriG and JSON-LD writers
(``writers``), and
``kg publish`` into a SPARQL server (``publish``, by the releases' patches where it can:
``patching``).

May import: ``kg.store`` (it reads the built store) and the shared leaves. Never the
build or serving.
"""
