"""Ingest from the official sources: the KOOP XML and XHTML editions of a publication and its metadata.

``parse_official(path)`` reads one edition (with the metadata beside it in the repository layout, if
any) into an :class:`OfficialDoc`; :mod:`kamerkg.official.rdf` adds the publication's structure and
metadata to its graph.
"""

from __future__ import annotations

from kamerkg.official.document import OfficialDoc, OfficialInfo, Part, parse_official, sniff
from kamerkg.official.metadata import Metadata, MetaField, find_metadata, read_metadata_file

__all__ = [
    "Metadata",
    "MetaField",
    "OfficialDoc",
    "OfficialInfo",
    "Part",
    "find_metadata",
    "parse_official",
    "read_metadata_file",
    "sniff",
]
