"""kg: build a linked RDF knowledge graph from Markdown tables of conference talks."""

__version__ = "0.2.0"
