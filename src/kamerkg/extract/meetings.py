"""Meetings the text describes: dated mentions ("bijeenkomst van NAVO-ministers van Defensie op 15 april
2020", "Op 6 april jl. spraken de EU ministers van Defensie", "op 14 en 15 juni 2016 te Brussel"),
undated mentions that refer back to one of them ("De ingelaste videoteleconferentie van de ministers van
Defensie"), who else attends ("zal een vertegenwoordiger van de EU ... aanwezig zijn, evenals de
ministers van Finland en Zweden") and the report a citation gives for a meeting.
"""

from __future__ import annotations

import bisect
import re
from datetime import date

from kamerkg.extract.dates import DateMention, find_dates
from kamerkg.extract.needs import finditer
from kamerkg.model import Citation, Evidence, Meeting, Mention, SourceDoc

TRIGGER = (
    r"(?:bijeenkomst|vergadering|videoteleconferentie|videoconferentie|ministeri[eë]le(?:\s+bijeenkomst)?|"
    r"werksessie|"
    r"[Bb]estuursraad|[Aa]lgemeen\s+[Oo]verleg|[Ss]chriftelijk\s+[Oo]verleg|"
    r"[Tt]op|NAVO-[Tt]op|[Tt]opontmoeting|overleg|conferentie|commissiedebat|Raad\s+[A-Z][\w-]*(?:\s+(?"
    r":Zaken|\(\w+\)))?|"
    r"Europese\s+Raad|Defensieraad|Navo-top|NAVO-top)"
)
MODIFIER = (
    r"(?:(?:ingelaste|informele|Informele|extra|gezamenlijke|formele|reguliere|eerstvolgende|volgende|"
    r"jaarlijkse|"
    r"JUMBO|Jumbo|(?:NAVO-|EU-)?ministeri[eë]le)\s+){0,4}"  # bounded: "extra extra ..." stays linear
)
# "bijeenkomst van NAVO-ministers van Defensie op 15 april 2020"
NOUN_BEFORE_DATE_RE = re.compile(
    rf"(?s)\A.*(?<![\w-])(?P<desc>(?:NAVO-|Navo-|EU-)?{TRIGGER}\b(?:[^.;()]|\(\w{{2,10}}\)){{0,140}}?)\s+(?"
    rf":(?:die|dat|welke)\s+)?(?:op|van|d\.d\.)\s*$"
)
# a meeting's name right before its date, without "op"/"van":
# "Raad Buitenlandse Zaken Defensie 30 en 31 januari 2024"
NAME_BEFORE_DATE_RE = re.compile(
    rf"(?s)\A.*(?<![\w-])(?P<desc>(?:NAVO-|EU-)?{TRIGGER}(?:\s+[A-Z][\w-]*){{0,4}})\s+$"
)
# "op 11 juli twee separate werksessies plaatsvinden voor de Ministers van Buitenlandse Zaken en de
# Ministers van Defensie": one meeting per group
DATE_THEN_NOUN_RE = re.compile(
    r"^\s*(?:(?P<count>twee|drie|vier)\s+)?(?:(?:separate|aparte|afzonderlijke|informele|ingelaste|extra)\s+)"
    r"*"
    r"(?P<noun>werksessies?|bijeenkomsten?|vergaderingen?|sessies?|videoteleconferenties?)\s+(?:plaats(?"
    r":vinden)?\s+)?"
    r"(?:voor|van|met)\s+(?P<who>[^.;:]{3,160}?)(?=[.;:]|\s+(?:plaats|waar|waarbij|die|en\s+zal)\b|$)"
)
# "Op 16 en 17 november 2022 vindt de NAVO-bijeenkomst van defensieministers plaats"
DATE_THEN_HAPPENS_RE = re.compile(
    r"^\s*(?:jl\.\s*|a\.s\.\s*)?(?:vindt|vinden|vond|vonden)\s+(?:er\s+)?(?:(?:de|het|een)\s+)?"
    rf"(?P<desc>{MODIFIER}(?:NAVO-|EU-)?{TRIGGER}\b[^.;]{{0,80}}?)\s+plaats\b"
)
# "Op 8 november vergadert de Stuurgroep van het Europees Defensie Agentschap"
DATE_THEN_MEETS_RE = re.compile(
    r"^\s*(?:jl\.\s*|a\.s\.\s*)?(?:vergadert|vergaderen|vergaderde|vergaderden)\s+"
    r"(?P<who>(?:de|het)\s+[A-Z][^.;,]{2,100}?)(?=\s*[.;,]|\s+(?:in|te|over|om|met)\b)"
)
# "Aansluitend op de RBZ Defensie zal er een Bestuursraad van het Europees Defensie Agentschap (EDA)
# plaatsvinden."
FOLLOWING_RE = re.compile(
    r"\b[Aa]ansluitend(?:\s+(?:op|aan))?\s+[^.;]{0,80}?\b(?:zal|zullen|vindt|vinden|volgt)\s+(?:er\s+)?(?"
    r":een|de|het)\s+"
    rf"(?P<desc>{MODIFIER}(?:{TRIGGER}|[A-Z]?\w*(?:raad|bijeenkomst|vergadering|sessie|overleg))\b"
    r"(?:[^.;()]|\(\w{2,10}\)){0,120}?)\s+(?:plaats(?:vinden)?|volgen)\b"
)
FOLLOWING_NEEDS = ("ansluitend",)
DOC_NOUN_RE = re.compile(
    r"\b(?:brief|brieven|voorstel|fiche|mededeling|notitie|nota|artikel|bericht|motie|verzoek|bod|Kamerbrief)"
    r"\b",
    re.I,
)
IN_PLACE_RE = re.compile(r"\b(?:bijeen\s+)?(?:te|in)\s+(?P<place>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?)")
# "Op 6 april jl. spraken de EU ministers van Defensie",
# "Op 11 en 12 juli komen NAVO-staatshoofden ... bijeen"
DATE_FIRST_RE = re.compile(
    r"^[^.;]{0,40}?\b(?:spraken|spreken|vergaderden|vergaderen|kwamen|komen|komt|kwam|zullen|zal|ontmoeten|"
    r"ontmoetten)\b"
    r"(?P<who>[^.;]{0,120}?)(?:\bbijeen\b|\bover\b|\.|,|;)"
)
MINISTERS_RE = re.compile(
    r"(?P<org>(?:NAVO|EU|Navo|NATO|VN)[- ]?)?(?:-)?(?P<who>ministers van (?:Defensie|Buitenlandse Zaken|"
    r"Financiën)|"
    r"staatshoofden en (?:-)?regeringsleiders|defensieministers|ministers)",
    re.IGNORECASE,
)
FORMAT_RE = re.compile(r"videoteleconferentie|videoconferentie|\bVTC\b")
EXTRA_RE = re.compile(r"\bingelast|\bextra\b", re.IGNORECASE)
PLACE_AFTER_RE = re.compile(r"^\s*(?:jl\.\s*)?(?:te|in)\s+(?P<place>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?)")
EXCLUDE_BEFORE_RE = re.compile(
    r"(?:Vastgesteld|Voorgesteld|ingezonden|ontvangen|Ingediend|per abuis|datum van|Bij brief van|vanaf|tot "
    r"en met|"
    r"sinds|uiterlijk|voor|na)\s*$",
    re.IGNORECASE,
)
EXCLUDE_LONGEST = 13  # characters of the longest word EXCLUDE_BEFORE_RE ends on ("Bij brief van")


def _excluded_before(before: str) -> bool:
    """``EXCLUDE_BEFORE_RE.search(before)``, tried only where a match can start: its word ends where the
    white space closing ``before`` begins (str.isspace is re's \\s), and is at most EXCLUDE_LONGEST long."""
    return EXCLUDE_BEFORE_RE.search(before, max(0, len(before.rstrip()) - EXCLUDE_LONGEST)) is not None


ATTEND_RE = re.compile(
    r"\b(?:aanwezig zijn|aanwezig zal zijn|deelnemen|nemen deel|schuiven aan|aanschuiven)\b"
)
ATTEND_NEEDS = ("aanwezig", "deelnemen", "nemen deel", "schuiven")
REPORTED_RE = re.compile(r"\boverleg gevoerd\b")

GATHERING = [
    (
        re.compile(r"ministers van Defensie|defensieministers|Defensieraad", re.I),
        "gathering/defence-ministers",
    ),
    (
        re.compile(r"ministers van Buitenlandse Zaken|Raad Buitenlandse Zaken", re.I),
        "gathering/foreign-ministers",
    ),
    (
        re.compile(r"staatshoofden|regeringsleiders|\b[Tt]op\b|-[Tt]op\b", re.I),
        "gathering/heads-of-state-and-government",
    ),
    (re.compile(r"\bcommissie|commissiedebat|algemeen overleg", re.I), "gathering/committee"),
]


MAX_DATES = 5000  # date mentions read for meetings per document (issue 7: bounded work)
# a sentence end: "[.!?]" not after "jl", "nr", "d.d" ... nor a capital, before a capital (or the end), or a
# blank line. Written to begin with the character it ends on (the lookbehinds then take that character in:
# "(?<!\bjl)[.!?]" is "[.!?](?<!\bjl.)"), so that the regex engine skips to those characters instead of
# trying every position; the matches are the same.
SENT_END_RE = re.compile(
    r"[.!?\n](?:(?<=[.!?])(?<!\bjl.)(?<!\bnr.)(?<!\bd\.d.)(?<!\ba\.s.)(?<!\bo\.a.)(?<!\bbijv.)(?<!\bresp.)"
    r"(?<!\b[A-Z].)(?=\s+[A-Z(«\d]|\s*$)|(?<=\n)[ \t]*\n)"
)


def _sentence_bounds(text: str, i: int) -> tuple[int, int]:
    """The sentence around position ``i`` (abbreviations such as "jl." and "nr." do not end one)."""
    # bounded both ways (1500 characters): a text without sentence ends must not cost quadratic time
    a = max(0, i - 1500)
    for m in SENT_END_RE.finditer(text, a, i):
        a = m.end()
    m = SENT_END_RE.search(text, i, min(len(text), i + 1500))
    b = m.end() if m else min(len(text), i + 1500)
    return a, b


def _gathering(s: str) -> str | None:
    for rx, key in GATHERING:
        if rx.search(s):
            return key
    return None


def _org(mentions: list[Mention], doc: SourceDoc, s: int, e: int) -> str | None:
    e = min(e, len(doc.body))  # the window may run past the end of the body
    a, b = doc.span(s, e).start, doc.span(s, e).end
    for m in mentions:
        if (
            m.kind == "organisation"
            and a <= m.evidence.span.start < b
            and m.key in ("org/navo", "org/eu", "org/vn")
        ):
            return m.key
    return None


def find_meetings(
    doc: SourceDoc,
    mentions: list[Mention],
    citations: list[Citation],
    anchor: date | None,
    own_date_span: tuple[int, int] | None,
) -> list[Meeting]:
    text = doc.body
    meetings: list[Meeting] = []
    dms: list[DateMention] = find_dates(text, anchor)
    if len(dms) > MAX_DATES:  # hostile or generated text: bound the (pairwise) work per document
        doc.warnings.append(f"{doc.path}: {len(dms)} dates; meetings read from the first {MAX_DATES} only")
        dms = dms[:MAX_DATES]
    cstarts = [c.evidence.span.start for c in citations]
    ordered = cstarts == sorted(cstarts)
    for dm in dms:
        if dm.first is None:
            continue
        if own_date_span and dm.start >= own_date_span[0] and dm.end <= own_date_span[1]:
            continue
        before = text[max(0, dm.start - 200) : dm.start]
        if _excluded_before(before):
            continue
        sa, sb = _sentence_bounds(text, dm.start)
        clause_start = (
            max(sa, text.rfind("\n", 0, dm.start) + 1) if text.rfind("\n", 0, dm.start) >= sa else sa
        )
        desc = None
        desc_start = dm.start
        extra_meetings: list[tuple[str, int]] = []
        place_in_desc: str | None = None
        # the meeting's name right before the date may run across a line break ("Informele Raad\nBuitenlandse
        # Zaken Defensie 30 en 31 januari 2024"), within the sentence
        m = NOUN_BEFORE_DATE_RE.search(text[sa : dm.start]) or NAME_BEFORE_DATE_RE.search(text[sa : dm.start])
        base = sa
        if m is None:
            m = NAME_BEFORE_DATE_RE.search(text[clause_start : dm.start])
            base = clause_start
        if m:
            # the date belongs to a document ("de brief van ... d.d. 18 november 2016") when a document noun
            # stands between the meeting noun and the date
            gap = text[base + m.start("desc") : dm.start]
            if DOC_NOUN_RE.search(gap[len(m.group("desc").split()[0]) :]) and re.search(
                r"d\.d\.\s*$|\bvan\s*$", gap
            ):
                m = None
        if m:
            desc_start = base + m.start("desc")
            mod = re.search(rf"(?:{MODIFIER.rstrip('*')})+$", text[base:desc_start])
            if mod:
                desc_start = base + mod.start()
            desc = re.sub(r"\s+", " ", text[desc_start : base + m.end("desc")]).strip()
            pin = re.search(r"\s+(?:in|te)\s+(?P<place>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?)$", desc)
            if pin:  # "ministeriële NAVO-bijeenkomst in Krakow op 19 en 20 februari 2009"
                place_in_desc = pin.group("place")
                desc = desc[: pin.start()]
        else:
            head = text[sa : dm.start]
            if DOC_NOUN_RE.search(head[-60:]) and re.search(r"(?:d\.d\.|\bvan)\s*$", head):
                continue  # the date of a letter or proposal
            nm = DATE_THEN_NOUN_RE.match(text[dm.end : sb])
            if re.search(r"(?:^|\s)[Oo]p\s*$", head) and nm:
                noun = nm.group("noun")
                single = re.sub(r"(?<=[^s])s$|(?<=sessie)s$|en$", "", noun) if nm.group("count") else noun
                parts = [nm.group("who")]
                n = {"twee": 2, "drie": 3, "vier": 4}.get(nm.group("count") or "", 1)
                if n > 1:
                    split = re.split(r",\s*|\s+en\s+(?=de\s|het\s|[A-Z])", nm.group("who"))
                    if len(split) == n:
                        parts = split
                desc = f"{single} {'van' if n > 1 else 'voor'} {_clean(parts[0])}"
                desc_start = dm.start
                extra_meetings = [(f"{single} van {_clean(p)}", dm.start) for p in parts[1:]]
            elif re.search(r"(?:^|\s)[Oo]p\s*$", head) and (
                DATE_THEN_HAPPENS_RE.match(text[dm.end : sb]) or DATE_THEN_MEETS_RE.match(text[dm.end : sb])
            ):
                hm = DATE_THEN_HAPPENS_RE.match(text[dm.end : sb])
                if hm:
                    desc = _clean(hm.group("desc"))
                else:
                    vm = DATE_THEN_MEETS_RE.match(text[dm.end : sb])
                    assert vm is not None
                    desc = f"vergadering van {_clean(vm.group('who'))}"
            elif re.search(r"(?:^|\n)\s*(?:Op|[Tt]ijdens de bijeenkomst van)\s*$|^\s*op\s*$", head):
                m2 = DATE_FIRST_RE.search(text[dm.end : sb])
                if m2 and MINISTERS_RE.search(m2.group("who") or ""):
                    who = re.sub(r"\s+", " ", m2.group("who")).strip()
                    who = re.sub(r"\s+(?:eveneens|ook|reeds|nog|opnieuw|al)$", "", who)
                    desc = f"bijeenkomst van {who}"
            elif REPORTED_RE.search(text[dm.end : min(sb, dm.end + 40)]) and re.search(
                r"(?:hebben|heeft)\s+op\s*$", head
            ):
                subj = re.sub(r"\s+", " ", head[head.rfind("\n") + 1 :]).strip()
                subj = re.sub(r"\s+(?:hebben|heeft)\s+op$", "", subj)
                subj = re.sub(r"(?<=[a-z])\d{1,2}$", "", subj)  # a footnote marker
                subj = re.sub(r"(?<=[a-z])\d{1,2}(?=\s)", "", subj)
                desc = f"overleg van {subj[0].lower() + subj[1:]}" if subj else "overleg"
                wm = re.match(
                    r"\s*overleg gevoerd met\s+(?P<who>[^:;]{3,120}?),?\s+over\b", text[dm.end : sb]
                )
                if wm:
                    desc += f" met {_clean(wm.group('who'))}"
        if not desc:
            continue
        ctx_end = dm.end
        pm = PLACE_AFTER_RE.match(text[dm.end : dm.end + 60])
        place = pm.group("place") if pm else place_in_desc
        if pm:
            ctx_end = dm.end + pm.end()
        elif text[sa : dm.start].strip().lower().endswith("op") or "bijeen" in text[dm.end : sb]:
            # "Op 11 en 12 juli komen NAVO-staatshoofden en -regeringsleiders bijeen in Vilnius"
            clause_end = min(
                [i for i in (text.find(",", dm.end, sb), text.find(".", dm.end, sb)) if i >= 0] or [sb]
            )
            pm2 = re.search(
                r"\bbijeen\s+(?:te|in)\s+(?P<place>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?)",
                text[dm.end : clause_end],
            )
            if pm2:
                place = pm2.group("place")
        for d2, s2 in extra_meetings:
            _merge(
                meetings,
                Meeting(
                    description=d2,
                    start=dm.first,
                    end=dm.last,
                    evidence=Evidence(doc.span(s2, sb), "rule:meeting-date-then-noun"),
                    gathering=_gathering(d2),
                    announced=bool(anchor and dm.first >= anchor),
                ),
            )
        mt = Meeting(
            description=desc,
            start=dm.first,
            end=dm.last,
            evidence=Evidence(doc.span(desc_start, ctx_end), "rule:meeting-dated-mention"),
            place=place,
            organisation=_org(mentions, doc, desc_start, max(ctx_end, desc_start + len(desc) + 60)),
            gathering=_gathering(desc),
            format="format/video-teleconference" if FORMAT_RE.search(desc) else None,
            extraordinary=bool(EXTRA_RE.search(desc)),
            announced=bool(anchor and dm.first >= anchor),
        )
        if REPORTED_RE.search(text[dm.end : min(sb, dm.end + 40)]):
            mt.gathering = mt.gathering or "gathering/committee"
        # a citation right after the mention reports on that meeting
        after, limit = doc.span(dm.start, dm.end).end, doc.span(dm.start, min(sb, ctx_end + 40)).end
        first = bisect.bisect_left(cstarts, after) if ordered else 0
        for i, c in enumerate(citations[first:], first):
            if after <= c.evidence.span.start <= limit:
                mt.cites = i
                break
            if ordered and c.evidence.span.start > limit:
                break
        _merge(meetings, mt)
    _corefer(doc, meetings, mentions)
    _following(doc, meetings, anchor)
    return meetings


def _clean(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def _following(doc: SourceDoc, meetings: list[Meeting], anchor: date | None) -> None:
    """A meeting held right after another one ("Aansluitend op de RBZ Defensie zal er een Bestuursraad van het
    EDA plaatsvinden") takes the date of the meeting mentioned last before it; no place is inferred."""
    text = doc.body
    for m in finditer(FOLLOWING_RE, text, FOLLOWING_NEEDS):
        span = doc.span(m.start(), m.end())
        prev = [mt for mt in meetings if mt.evidence.span.start < span.start and mt.start]
        if not prev:
            continue
        ref = max(prev, key=lambda mt: mt.evidence.span.start)
        desc = _clean(m.group("desc"))
        mt = Meeting(
            description=desc,
            start=ref.start,
            end=ref.start,
            evidence=Evidence(span, "rule:meeting-following"),
            gathering=_gathering(desc),
            announced=ref.announced,
        )
        meetings.append(mt)


def _same_name(a: str, b: str) -> bool:
    a, b = a.casefold(), b.casefold()
    return len(min(a, b, key=len)) >= 8 and (a.startswith(b) or b.startswith(a))


def _merge(meetings: list[Meeting], mt: Meeting) -> None:
    for other in meetings:
        if (
            other.start == mt.start
            and other.end == mt.end
            and (
                other.gathering == mt.gathering
                or mt.gathering is None
                or other.gathering is None
                # "Raad Buitenlandse Zaken", "Raad Buitenlandse Zaken met Ministers van Defensie" (one day)
                or _same_name(other.description, mt.description)
            )
        ):
            other.more_evidence.append(mt.evidence)
            other.place = other.place or mt.place
            other.organisation = other.organisation or mt.organisation
            other.gathering = other.gathering or mt.gathering
            other.format = other.format or mt.format
            other.extraordinary = other.extraordinary or mt.extraordinary
            if other.cites is None:
                other.cites = mt.cites
            return
    meetings.append(mt)


# an undated mention of a meeting. The lookahead names the characters a match can begin with (the first
# letters of MODIFIER's and TRIGGER's words): it changes no match, and positions where no match can begin
# fail at once instead of trying every word of both lists
MENTION_FIRST = "iIegfrvjJNEmbwBAaSsTtocRD"
MENTION_RE = re.compile(
    rf"(?=[{MENTION_FIRST}]){MODIFIER}{TRIGGER}\b"
    r"(?:\s+van\s+(?:de\s+)?[^.;()]{0,60}?ministers van [A-Z][\w ]+?\b)?"
)


def _corefer(doc: SourceDoc, meetings: list[Meeting], mentions: list[Mention]) -> None:
    """Undated mentions ("De ingelaste videoteleconferentie van de ministers van Defensie") and attendance
    sentences refer to the announced meeting, or the latest one mentioned before them."""
    text = doc.body
    if not meetings:
        return
    for m in MENTION_RE.finditer(text):
        s, e = m.start(), m.end()
        target = _target(doc, meetings, s)
        if target is None:
            continue
        span = doc.span(s, e)
        if any(ev.span.start <= span.start < ev.span.end for ev in [target.evidence, *target.more_evidence]):
            continue
        g = _gathering(m.group(0))
        if g and target.gathering and g != target.gathering:
            continue
        changed = False
        if FORMAT_RE.search(m.group(0)) and not target.format:
            target.format = "format/video-teleconference"
            changed = True
        if EXTRA_RE.search(m.group(0)) and not target.extraordinary:
            target.extraordinary = True
            changed = True
        if changed:
            target.more_evidence.append(Evidence(span, "rule:meeting-coreference"))
    for m in finditer(ATTEND_RE, text, ATTEND_NEEDS):
        sa, sb = _sentence_bounds(text, m.start())
        if not re.search(r"vergadering|bijeenkomst|overleg|top\b", text[sa:sb], re.I):
            continue
        target = _target(doc, meetings, sa)
        if target is None:
            continue
        a, b = doc.span(sa, sb).start, doc.span(sa, sb).end
        for men in mentions:
            if a <= men.evidence.span.start < b and men.kind in ("organisation", "country") and men.key:
                if men.key not in target.participants:
                    target.participants.append(men.key)
        target.more_evidence.append(Evidence(doc.span(sa, sb), "rule:meeting-attendance"))
    # the organisation of a meeting that names none: that of the meeting it is mentioned with
    for i, mt in enumerate(meetings):
        if mt.organisation is None:
            for other in meetings[:i][::-1] + meetings[i + 1 :]:
                if other.organisation and other.gathering != "gathering/committee":
                    if abs(other.evidence.span.start - mt.evidence.span.start) < 600:
                        mt.organisation = other.organisation
                        break


def _target(doc: SourceDoc, meetings: list[Meeting], pos: int) -> Meeting | None:
    announced = [m for m in meetings if m.announced]
    if announced:
        return announced[0]
    o = doc.span(pos, pos + 1).start
    before = [m for m in meetings if m.evidence.span.start <= o]
    return before[-1] if before else None
