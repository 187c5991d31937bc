"""A statement's text cut into translation units, and put together again.

A unit is one run of words in a block of the body (a paragraph, a heading,
a list item, a table cell…), or the title, or the summary. Its inline
markup (links, emphasis, line breaks) is kept out of the words as numbered
codes, the way CAT tools show them: paired codes around words (XLIFF's
``<g>``) and codes that stand alone (``<x>``: a line break, an image). A
translation is written back into the original's HTML, block for block, so
the page keeps its structure, and each code becomes the original's element
again (a link keeps the original's address).

Nothing here imports Flask: these rules are tested without an app.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree, html

# Elements that hold blocks or words of their own, never inline in a sentence.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "ul",
})  # fmt: skip
# Inline elements with no words inside: they become codes that stand alone.
VOID_TAGS = frozenset({"br", "img", "wbr"})

TITLE = "title"
SUMMARY = "summary"


@dataclass(frozen=True)
class Open:
    """The start of paired code ``id`` (an inline element with words inside)."""

    id: int


@dataclass(frozen=True)
class Close:
    id: int


@dataclass(frozen=True)
class Void:
    """A code that stands alone (a line break, an image)."""

    id: int


Part = str | Open | Close | Void
Segment = tuple[Part, ...]


@dataclass(frozen=True)
class Code:
    """The element a code stands for, as the original has it."""

    tag: str
    attributes: tuple[tuple[str, str], ...]

    @property
    def void(self) -> bool:
        return self.tag in VOID_TAGS


@dataclass(frozen=True)
class Unit:
    """One unit to translate: ``id`` ("title", "summary", "b1"…), the
    original's ``source``, the codes it holds, and the block it is in ("h2")."""

    id: str
    source: Segment
    codes: dict[int, Code] = field(default_factory=dict)
    block: str = ""


class UnitError(ValueError):
    """A translated unit that cannot go into the page (bad codes)."""


def words(segment: Segment) -> str:
    """The words of ``segment``, codes left out, white space folded: what two
    sources are compared by."""
    return " ".join("".join(p for p in segment if isinstance(p, str)).split())


def same_source(a: Segment, b: Segment) -> bool:
    """Whether two sources say the same, with the same codes in the same places."""
    return _folded(a) == _folded(b)


def _folded(segment: Segment) -> tuple[Part, ...]:
    out: list[Part] = []
    for part in segment:
        if isinstance(part, str):
            if out and isinstance(out[-1], str):
                out[-1] += part
            else:
                out.append(part)
        else:
            out.append(part)
    # White space at either end is the file's layout, not the words.
    folded = [" ".join(p.split()) if isinstance(p, str) else p for p in out]
    if folded and isinstance(folded[0], str):
        folded[0] = folded[0].lstrip()
    if folded and isinstance(folded[-1], str):
        folded[-1] = folded[-1].rstrip()
    return tuple(p for p in folded if p != "")


# --- cutting a body into units -------------------------------------------------


@dataclass
class Run:
    """Where a run of inline content sits: in ``owner``, after the block child
    ``lead`` (None: at the owner's start), children ``start`` to ``end``."""

    owner: etree._Element
    lead: etree._Element | None
    start: int
    end: int


def parse_body(body: str) -> etree._Element:
    root: etree._Element = html.fragment_fromstring(body or "", create_parent="div")
    return root


def _is_block(node: object) -> bool:
    return isinstance(node, etree._Element) and isinstance(node.tag, str) and node.tag in BLOCK_TAGS


def runs(owner: etree._Element) -> list[Run]:
    """The runs of inline content in ``owner`` and its blocks, in reading order."""
    found: list[Run] = []
    children = list(owner)
    lead: etree._Element | None = None
    start = 0
    for index, child in enumerate([*children, None]):
        if child is not None and not _is_block(child):
            continue
        run = Run(owner, lead, start, index)
        if (_has_words(run) and owner.tag != "pre") or (owner.tag == "pre" and _has_any(run)):
            found.append(run)
        if child is not None:
            found.extend(runs(child))
            lead, start = child, index + 1
    return found


def _lead_text(run: Run) -> str:
    return (run.owner.text if run.lead is None else run.lead.tail) or ""


def _has_words(run: Run) -> bool:
    if _lead_text(run).strip():
        return True
    return any(
        child.tag in VOID_TAGS
        or "".join(str(text) for text in child.itertext()).strip()
        or (child.tail or "").strip()
        for child in list(run.owner)[run.start : run.end]
        if isinstance(child.tag, str)
    )


def _has_any(run: Run) -> bool:
    return bool(_lead_text(run)) or run.end > run.start


def run_segment(run: Run) -> tuple[Segment, dict[int, Code], str, str]:
    """The run's segment (white space at its ends left out), its codes, and
    the white space before and after it, which stays in the page."""
    codes: dict[int, Code] = {}
    parts: list[Part] = [_lead_text(run)]
    for child in list(run.owner)[run.start : run.end]:
        parts.extend(_inline(child, codes))
        parts.append(child.tail or "")
    if run.owner.tag == "pre":
        return _joined(parts), codes, "", ""
    # The first and last parts are text: the lead text and the last tail.
    first = str(parts[0])
    before = first[: len(first) - len(first.lstrip())]
    parts[0] = first[len(before) :]
    last = str(parts[-1])
    after = last[len(last.rstrip()) :]
    parts[-1] = last[: len(last) - len(after)] if after else last
    return _joined(parts), codes, before, after


def _inline(element: etree._Element, codes: dict[int, Code]) -> list[Part]:
    if isinstance(element, etree._Comment | etree._ProcessingInstruction):
        return []  # nothing to translate (the sanitiser removes them anyway)
    number = len(codes) + 1
    attributes = sorted((str(name), str(value)) for name, value in element.attrib.items())
    codes[number] = Code(str(element.tag), tuple(attributes))
    if element.tag in VOID_TAGS:
        return [Void(number)]
    parts: list[Part] = [Open(number), element.text or ""]
    for child in element:
        parts.extend(_inline(child, codes))
        parts.append(child.tail or "")
    parts.append(Close(number))
    return parts


def _joined(parts: list[Part]) -> Segment:
    out: list[Part] = []
    for part in parts:
        if isinstance(part, str):
            if not part:
                continue
            if out and isinstance(out[-1], str):
                out[-1] += part
                continue
        out.append(part)
    return tuple(out)


def body_units(body: str) -> list[Unit]:
    """The units of a body's HTML, "b1", "b2"… in reading order."""
    units = []
    for number, run in enumerate(runs(parse_body(body)), start=1):
        segment, codes, _before, _after = run_segment(run)
        units.append(Unit(f"b{number}", segment, codes, str(run.owner.tag)))
    return units


def text_unit(unit_id: str, text: str) -> Unit:
    """A unit of plain text: the title or the summary."""
    return Unit(unit_id, (text,) if text else (), {}, unit_id)


def statement_units(title: str, summary: str | None, body: str) -> list[Unit]:
    """Every unit of one translation: title, summary (when it has one), body."""
    units = [text_unit(TITLE, title)]
    if summary and summary.strip():
        units.append(text_unit(SUMMARY, summary))
    return units + body_units(body)
