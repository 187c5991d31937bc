"""XLIFF 1.2 files: one <file> a statement, one <trans-unit> a unit.

1.2 rather than 2.x because it is what CAT tools (OmegaT, Trados, memoQ,
Poedit, Weblate, translate-toolkit) all read; inline markup travels as
<g> (paired) and <x> (alone) codes, which they show as tags. A unit whose
target came from machine pre-fill has state="needs-review-translation".

Written and read with lxml. Reading refuses any DOCTYPE, never resolves an
entity and never touches the network, so an XML bomb or an external entity
costs nothing (tests/test_translation_files_cli.py tries both).
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from .translation_files import (
    StatementRead,
    StatementToTranslate,
    TranslationFileError,
    UnitRead,
    statement_id_of,
    statement_reference,
)
from .translation_units import Close, Code, Open, Part, Segment, Unit, Void

NAMESPACE = "urn:oasis:names:tc:xliff:document:1.2"
_NS = f"{{{NAMESPACE}}}"
# XLIFF 1.2's own names for some codes; others are "x-" and the HTML tag.
_CTYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underlined",
    "a": "link",
    "br": "lb",
    "img": "image",
}
TRANSLATED = "translated"
NEEDS_REVIEW = "needs-review-translation"


def _ctype(code: Code) -> str:
    return _CTYPES.get(code.tag, f"x-html-{code.tag}")


def _fill(element: etree._Element, segment: Segment, codes: dict[int, Code]) -> None:
    """Write ``segment`` into ``element`` as text and <g>/<x> codes."""
    stack = [element]
    for part in segment:
        top = stack[-1]
        if isinstance(part, str):
            children = list(top)
            if children:
                children[-1].tail = (children[-1].tail or "") + part
            else:
                top.text = (top.text or "") + part
        elif isinstance(part, Close):
            stack.pop()
        else:
            code = codes.get(part.id)
            name = "g" if isinstance(part, Open) else "x"
            child = etree.SubElement(top, _NS + name, id=str(part.id))
            if code is not None:
                child.set("ctype", _ctype(code))
            if isinstance(part, Open):
                stack.append(child)


def write_xliff(statements: Iterable[StatementToTranslate]) -> bytes:
    """An XLIFF 1.2 document of ``statements``."""
    root = etree.Element(_NS + "xliff", nsmap={None: NAMESPACE}, version="1.2")  # type: ignore[dict-item]
    for statement in statements:
        file = etree.SubElement(
            root,
            _NS + "file",
            original=statement_reference(statement.statement_id),
            datatype="html",
            attrib={
                "source-language": statement.source_language,
                "target-language": statement.target_language,
            },
        )
        if statement.outdated:
            header = etree.SubElement(file, _NS + "header")
            etree.SubElement(
                header, _NS + "note"
            ).text = "The original was edited after this translation."
        body = etree.SubElement(file, _NS + "body")
        for unit in statement.units:
            body.append(_trans_unit(unit, statement.targets.get(unit.id)))
    _indent(root)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _indent(element: etree._Element, level: int = 0) -> None:
    """Lay out the file's structure one element a line, but never inside a
    <source>, <target> or <note>: lxml's pretty printer adds white space to
    a source that begins with a code, which changes its words."""
    children = list(element)
    if not children or _local(element) in ("source", "target", "note"):
        return
    element.text = "\n" + "  " * (level + 1)
    for child in children:
        _indent(child, level + 1)
        child.tail = "\n" + "  " * (level + 1)
    children[-1].tail = "\n" + "  " * level


def _trans_unit(unit: Unit, target: Segment | None) -> etree._Element:
    element = etree.Element(_NS + "trans-unit", id=unit.id, resname=unit.id)
    if unit.block == "pre":
        element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    _fill(etree.SubElement(element, _NS + "source"), unit.source, unit.codes)
    if target is not None:
        written = etree.SubElement(element, _NS + "target", state=TRANSLATED)
        _fill(written, target, unit.codes)
    etree.SubElement(element, _NS + "note").text = unit.block
    return element


# --- reading ------------------------------------------------------------------


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def read_xliff(content: bytes, id_max: int) -> list[StatementRead]:
    """The statements and units of an XLIFF 1.2 file; TranslationFileError
    names every problem (with its line) when it cannot be read."""
    try:
        tree = etree.ElementTree(etree.fromstring(content, _parser()))
    except etree.XMLSyntaxError as error:
        raise TranslationFileError([f"not well-formed XML: {error}"]) from None
    if tree.docinfo.doctype:  # type: ignore[attr-defined]
        raise TranslationFileError(["the file has a DOCTYPE; XLIFF files need none"])
    root = tree.getroot()
    if _local(root) != "xliff":
        raise TranslationFileError(["not an XLIFF file: its root element is not <xliff>"])
    if not str(root.get("version", "1.2")).startswith("1."):
        raise TranslationFileError(
            [f"XLIFF {root.get('version')} is not read here; export and send back XLIFF 1.2"]
        )
    problems: list[str] = []
    statements: list[StatementRead] = []
    for file in root:
        if _local(file) != "file":
            continue
        where = f"line {file.sourceline}"
        statement_id = statement_id_of(file.get("original", ""), id_max)
        if statement_id is None:
            problems.append(
                f"{where}: <file original> names no statement ({file.get('original')!r})"
            )
            continue
        statement = StatementRead(
            statement_id,
            file.get("target-language", ""),
            file.get("source-language", ""),
            f"statement {statement_id} ({where})",
        )
        for element in file.iter(_NS + "trans-unit", "trans-unit"):
            unit = _unit_read(element, statement_id, problems)
            if unit is not None:
                statement.units.append(unit)
        statements.append(statement)
    if problems:
        raise TranslationFileError(problems)
    return statements


def _unit_read(element: etree._Element, statement_id: int, problems: list[str]) -> UnitRead | None:
    unit_id = element.get("id", "")
    where = f"statement {statement_id}, unit {unit_id!r} (line {element.sourceline})"
    source = target = None
    state = ""
    for child in element:
        if _local(child) == "source":
            source = _segment(child, where, problems)
        elif _local(child) == "target":
            target = _segment(child, where, problems)
            state = child.get("state", "")
    if source is None:
        problems.append(f"{where}: it has no <source>")
        return None
    return UnitRead(unit_id, source, target or None, state.startswith("needs-review"), where)


def _segment(element: etree._Element, where: str, problems: list[str]) -> Segment:
    parts: list[Part] = [element.text or ""]
    for child in element:
        name = _local(child)
        number = child.get("id", "")
        if name in ("g", "x") and not number.isdecimal():
            problems.append(f"{where}: <{name}> without a numbered id")
        elif name == "g":
            parts.extend([Open(int(number)), *_segment(child, where, problems), Close(int(number))])
        elif name == "x":
            parts.append(Void(int(number)))
        elif name == "mrk":  # a CAT tool's marker: its words count, not it
            parts.extend(_segment(child, where, problems))
        elif name:
            problems.append(f"{where}: inline <{name}> is not read here; use <g> and <x>")
        parts.append(child.tail or "")
    return tuple(p for p in parts if p != "")
