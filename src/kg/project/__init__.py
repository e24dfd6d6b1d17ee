"""The project: the directory a curator edits, read as files and their text.

Owns the layout of a project directory and where each file belongs (``directory``),
reading source files with errors that point at file:line:column (``sources``),
the article text layer, numbered sentences with offsets (``text``), the mentions a
curator lists and the Web Annotations they become (``mentions``), a new
article's folder, written whole (``scaffold``), and an article's retraction, the
file that records it and what of the article it keeps (``retraction``).

May import: the shared leaves (``kg.config``, ``kg.errors``, ``kg.files``, ``kg.namespaces``).
Nothing here knows of a store, a build or a server.
"""
