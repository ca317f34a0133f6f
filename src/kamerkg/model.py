"""Plain-data records passed between the pipeline stages.

Every extracted value carries the :class:`Span` of the original source text it was read from and
the name of the rule (or curator) that produced it, so that the mapping stage can attach
provenance to every fact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


@dataclass(frozen=True, order=True)
class Span:
    """Character offsets ``[start, end)`` into the original source text."""

    start: int
    end: int


@dataclass(frozen=True)
class HeaderField:
    """A line of a site's metadata header ("Indiener(s): ..."): evidence, not document text."""

    name: str
    value: str
    span: Span


@dataclass
class SourceDoc:
    """A source file read and parsed: its original text and its normalised body."""

    path: Path
    doc_id: str
    text: str  # the original text, exactly as read
    layout: str  # pdf-text | officielebekendmakingen | openkamer | tkconv | tweedekamer | plain
    body: str  # normalised body text (hyphenation joined, page furniture and site header removed)
    offsets: list[int]  # offsets[i] = position in ``text`` of body[i]
    header: list[HeaderField] = field(default_factory=list)
    footers: list[Span] = field(default_factory=list)  # page furniture recognised in ``text``
    truncated: bool = False
    warnings: list[str] = field(default_factory=list)

    def span(self, start: int, end: int) -> Span:
        """Map a ``[start, end)`` range of ``body`` to the original text."""
        if end <= start:
            p = self.offsets[start] if start < len(self.offsets) else len(self.text)
            return Span(p, p)
        return Span(self.offsets[start], self.offsets[end - 1] + 1)

    def quote(self, span: Span) -> str:
        return self.text[span.start : span.end]


@dataclass(frozen=True)
class Evidence:
    """Where a fact comes from: a span of the source and the rule or curator that read it."""

    span: Span
    rule: str  # e.g. "rule:citation-kamerstuk" or "curator:editors"


@dataclass
class Value:
    """A scalar fact about the document (its date, number, type ...) with its evidence."""

    value: str
    evidence: Evidence


@dataclass
class Mention:
    """A named entity found in the text and matched against a register (``key``) or not."""

    kind: str  # organisation | country | place | post | person | topic | coretask | party | committee
    surface: str
    evidence: Evidence
    key: str | None = None  # register key (IRI path under the id namespace), None when unlinked
    canonical: str | None = None  # canonical name from the register


@dataclass
class Citation:
    text: str  # as written
    kind: str  # kamerstuk | aanhangsel | handelingen
    dossiers: list[str]
    number: str | None
    vergaderjaar: str | None
    evidence: Evidence


@dataclass
class Signatory:
    name: str
    role: str | None
    evidence: Evidence
    person_key: str | None = None
    post_key: str | None = None


@dataclass
class Member:
    """A member of parliament the text shows taking part (present at a debate, speaking), with the party."""

    name: str
    party: str | None
    evidence: Evidence
    person_key: str | None = None
    party_key: str | None = None


@dataclass
class Meeting:
    description: str
    start: date | None
    end: date | None
    evidence: Evidence
    place: str | None = None
    organisation: str | None = None  # register key of the convening organisation
    gathering: str | None = None  # key of a gathering-kind concept ("defence-ministers" ...)
    format: str | None = None  # key of a meeting-format concept ("video-teleconference" ...)
    extraordinary: bool = False
    participants: list[str] = field(default_factory=list)  # register keys
    cites: int | None = None  # index into Extraction.citations of the document reporting it
    announced: bool = False  # the document announces / prepares this meeting
    more_evidence: list[Evidence] = field(default_factory=list)


@dataclass
class AgendaItem:
    title: str
    position: int
    evidence: Evidence
    topics: list[str] = field(default_factory=list)  # register keys of topics


@dataclass
class Correction:
    citation: int | None  # index into Extraction.citations of the corrected document
    wrong: str
    right: str
    wrong_date: date | None
    right_date: date | None
    evidence: Evidence
    subject: str | None = None  # what the corrected statement is about (sentence before)


@dataclass
class Commitment:
    """An announcement that someone will inform the Kamer ("wordt uw Kamer ... geïnformeerd door")."""

    informant: str  # post or person as written
    informant_key: str | None
    about: str
    evidence: Evidence


@dataclass
class Curated:
    """A statement an editor wrote in ``data/curated/``, checked against its verbatim quote."""

    kind: str  # position | taskforce | ...
    fields: dict[str, object]
    evidence: Evidence


@dataclass
class Extraction:
    """All that was read from one source document."""

    doc: SourceDoc
    identifier: Value
    dossiers: list[Value] = field(default_factory=list)
    number: Value | None = None
    dossier_title: Value | None = None
    doc_type: Value | None = None
    date: Value | None = None
    vergaderjaar: Value | None = None
    place: Value | None = None
    issn: Value | None = None
    mentions: list[Mention] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    signatories: list[Signatory] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    agenda: list[AgendaItem] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    curated: list[Curated] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)  # members present / speaking, with their party
    warnings: list[str] = field(default_factory=list)
