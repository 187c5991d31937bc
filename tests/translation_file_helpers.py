"""XLIFF and PO files as a translator's tool handles them: read by
translate-toolkit and polib (not by our code), filled in, written back."""

from __future__ import annotations

import re
from collections.abc import Callable

import lxml.html
import polib
from builders import add, statement
from flask import Flask
from sqlalchemy import select
from translate.storage import xliff
from translate.storage.placeables import StringElem

from ist_flask.extensions import db
from ist_flask.models import Statement, Translation

RICH_BODY = (
    "<h2>Why we <em>strike</em></h2>\n"
    '<p>Workers of <a href="https://example.org/world">the <strong>world</strong></a>,'
    " unite.<br>Now.</p>\n"
    "<ul>\n<li>Bread</li>\n<li>Peace\n<ul><li>Land</li></ul>\n</li>\n</ul>\n"
    "<blockquote><p>All power to the councils.</p></blockquote>"
)


def add_rich(app: Flask, title: str = "Call to strike", **translations: dict[str, str]) -> int:
    """An English statement with headings, links, lists and a quote; its id."""
    fields = {"en": {"title": title, "summary": "A call.", "body": RICH_BODY}, **translations}
    add(app, statement("2024-05-01T10:00:00Z", fields))
    with app.app_context():
        return db.session.execute(
            select(Translation.statement_id).where(
                Translation.language == "en", Translation.title == title
            )
        ).scalar_one()


def stored(app: Flask, statement_id: int, language: str) -> Translation | None:
    with app.app_context():
        found = db.session.get(Statement, statement_id)
        assert found is not None
        translation = found.translation(language)
        if translation is not None:
            db.session.expunge(translation)
        return translation


def shouted(text: str) -> str:
    """A "translation" a test can recognise: the same words in capitals."""
    return text.upper()


def _translate_elem(elem: StringElem, translate: Callable[[str], str]) -> None:
    for index, sub in enumerate(elem.sub):
        if isinstance(sub, str):
            elem.sub[index] = translate(sub)
        else:
            _translate_elem(sub, translate)


def fill_xliff(
    content: bytes, translate: Callable[[str], str] = shouted, needs_review: bool = False
) -> bytes:
    """Give every unit a target, keeping its inline codes, as a CAT tool would."""
    store = xliff.xlifffile.parsestring(content)
    for unit in store.getunits():
        rich = unit.rich_source
        for elem in rich:
            _translate_elem(elem, translate)
        unit.rich_target = rich
        if needs_review:
            unit.set_state_n(unit.S_NEEDS_REVIEW)
    return bytes(store)


def fill_po(
    content: bytes, translate: Callable[[str], str] = shouted, fuzzy: bool = False
) -> bytes:
    """Give every entry a msgstr: the words translated, the <g1>/<x2/> tags kept."""
    catalog = polib.pofile(content.decode("utf-8"))
    for entry in catalog:
        entry.msgstr = "".join(
            part if part.startswith("<") else translate(part)
            for part in re.split(r"(</?g\d+>|<x\d+/>)", entry.msgid)
        )
        if fuzzy:
            entry.flags.append("fuzzy")
    return str(catalog).encode("utf-8")


def shape(body: str) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """A body's elements in order with their attributes: its structure and markup."""
    root = lxml.html.fragment_fromstring(body, create_parent="div")
    return [(el.tag, tuple(sorted(el.attrib.items()))) for el in root.iterdescendants()]
