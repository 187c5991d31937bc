"""The interface catalogs are complete: every message of the code, translated, compiled."""

from __future__ import annotations

import re
from gettext import GNUTranslations
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from ist_flask import PROJECT_ROOT
from ist_flask.i18n import DEFAULT_LANGUAGES

TRANSLATIONS = PROJECT_ROOT / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def message_key(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def messages_in_code() -> set[str]:
    with (PROJECT_ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = extract_from_dir(
        str(PROJECT_ROOT / "ist_flask"),
        method_map,
        options_map,
        keywords={
            "_": None,
            "gettext": None,
            "ngettext": (1, 2),
            "_l": None,
            "lazy_gettext": None,
            "lazy_pgettext": ((1, "c"), 2),
        },
    )
    return {message_key(message_id) for _file, _line, message_id, _comments, _ctx in found}


def template_messages() -> set[str]:
    with (TRANSLATIONS / "messages.pot").open("rb") as pot:
        return {message_key(m.id) for m in read_po(pot) if m.id}


def test_the_template_holds_every_message_of_the_code_and_no_stale_one() -> None:
    code, template = messages_in_code(), template_messages()
    assert code, "the extractor found the messages"
    assert code - template == set(), "run `flask translate update`"
    assert template - code == set(), "run `flask translate update`"


@pytest.mark.parametrize("language", DEFAULT_LANGUAGES)
def test_every_catalog_is_complete_and_nothing_is_fuzzy(language: str) -> None:
    po = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as source:
        catalog = read_po(source)
    problems = []
    present = set()
    for message in catalog:
        if not message.id:
            continue
        present.add(message_key(message.id))
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        if not all(strings):
            problems.append(f"untranslated: {message.id!r}")
        wanted = set(PLACEHOLDER.findall(message_key(message.id)))
        for string in strings:
            if string and set(PLACEHOLDER.findall(string)) != wanted:
                problems.append(f"placeholders differ: {message.id!r} -> {string!r}")
    missing = template_messages() - present
    assert not missing, f"not in the {language} catalog: {sorted(missing)}"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", DEFAULT_LANGUAGES)
def test_the_compiled_catalog_matches_its_source(language: str) -> None:
    folder = TRANSLATIONS / language / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as source:
        catalog = read_po(source)
    with (folder / "messages.mo").open("rb") as compiled:
        translations = GNUTranslations(compiled)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            assert translations.ngettext(*message.id, 1) == message.string[0], message.id
        elif message.context:
            assert translations.pgettext(message.context, message.id) == message.string
        else:
            assert translations.gettext(message.id) == message.string, (
                f"{message.id!r}: run `flask translate compile`"
            )


# Words that really are the same in English and in that language.
# Words that French spells as English does.
SAME_IN_ENGLISH = {("fr", "Page %(number)s"), ("fr", "Organisations")}


def test_non_english_catalogs_are_not_left_in_english() -> None:
    for language in DEFAULT_LANGUAGES:
        if language == "en":
            continue
        with Path(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
            catalog = read_po(source)
        same = [
            m.id
            for m in catalog
            if m.id
            and m.string == m.id
            and len(m.id) > 8
            and (language, m.id) not in SAME_IN_ENGLISH
        ]
        assert same == [], f"{language}: {same}"
