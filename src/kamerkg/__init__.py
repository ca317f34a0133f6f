"""kamerkg: Dutch parliamentary documents (Kamerstukken) as a linked-data knowledge graph.

The pipeline stages, each a module with a plain-data boundary to the next:

    sources (read + parse) -> extract -> link -> mapping (RDF) -> validate -> publish / store / queries

The public API is re-exported from :mod:`kamerkg.api`.
"""




__version__ = "0.1.0"
