"""Errors split by cause, each with its exit code (pySHACL/LinkML style)."""

from __future__ import annotations


class KamerkgError(Exception):
    """Base class; ``exit_code`` is what the CLI returns."""

    exit_code = 2


class SourceError(KamerkgError):
    """A source document cannot be read or is not a parliamentary document."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class CurationError(KamerkgError):
    """A curated statement does not hold against its source (e.g. its quote is absent)."""


class ResourceError(KamerkgError):
    """The ontology, shapes, a register or a query file is broken."""


class NonConformance(KamerkgError):
    """The graph does not conform to the SHACL shapes."""

    exit_code = 1
