"""The project: the directory a curator edits, read as files and their text.

Owns the layout of a project directory and where each file belongs (``directory``),
reading source files with errors that point at file:line:column (``sources``),
the article text layer, numbered sentences with offsets (``text``), the mentions a
curator lists and the Web Annotations they become (``mentions``), and a new
article's folder, written whole (``scaffold``).

May import: the shared leaves (``kg.config``, ``kg.errors``, ``kg.namespaces``).
Nothing here knows of a store, a build or a server.
"""
