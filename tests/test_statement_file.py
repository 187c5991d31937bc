"""The import file format: every problem found before anything is written."""

from __future__ import annotations

import io
import json
import tracemalloc

import pytest

from ist_flask.i18n import DEFAULT_LANGUAGES
from ist_flask.statement_export import dump_statement_file
from ist_flask.statement_file import (
    StatementFileError,
    inspect_statement_file,
    parse_statement_file,
)


def document(*statements: dict) -> str:
    return json.dumps({"statements": list(statements)})


GOOD = {
    "published": "2021-07-13T00:00:00Z",
    "translations": {
        "en": {"title": "Release them", "slug": "release-them", "summary": None, "body": "<p>x</p>"}
    },
}


def problems(text: str) -> str:
    with pytest.raises(StatementFileError) as caught:
        parse_statement_file(text, DEFAULT_LANGUAGES)
    return str(caught.value)


def test_a_good_file_is_read() -> None:
    (record,) = parse_statement_file(document(GOOD), DEFAULT_LANGUAGES)
    assert record.published.isoformat() == "2021-07-13T00:00:00+00:00"
    assert record.original == "en"
    assert record.translations[0].title == "Release them"


def test_not_json_is_refused() -> None:
    assert "not valid JSON" in problems("{not json")


def test_a_file_without_statements_is_refused() -> None:
    assert '"statements" list' in problems("[]")


def test_a_missing_title_names_the_statement_and_the_field() -> None:
    bad = json.loads(json.dumps(GOOD))
    del bad["translations"]["en"]["title"]
    message = problems(document(GOOD, bad))
    assert "statement 2" in message and "translations.en.title" in message


def test_an_unknown_language_code_is_refused() -> None:
    bad = {**GOOD, "translations": {"xx": GOOD["translations"]["en"]}}
    message = problems(document(bad))
    assert "statement 1" in message and "translations.xx" in message
    assert "unknown language" in message


def test_a_duplicate_slug_is_refused() -> None:
    message = problems(document(GOOD, GOOD))
    assert "statement 2" in message and "translations.en.slug" in message
    assert "statement 1" in message


@pytest.mark.parametrize(
    "published", ["2021-13-01T00:00:00Z", "yesterday", "2021-07-13T00:00:00", 7, None]
)
def test_a_bad_date_is_refused(published: object) -> None:
    message = problems(document({**GOOD, "published": published}))
    assert 'statement 1 ("Release them"): published' in message


def test_every_problem_is_reported_at_once() -> None:
    bad_date = {**GOOD, "published": "never"}
    bad_language = {**GOOD, "translations": {"xx": {"title": "t", "body": "b"}}}
    message = problems(document(bad_date, bad_language))
    assert "statement 1" in message and "statement 2" in message


def test_bodies_are_sanitised_on_reading() -> None:
    dirty = json.loads(json.dumps(GOOD))
    dirty["translations"]["en"]["body"] = '<p onclick="x()">hi</p><script>alert(1)</script>'
    (record,) = parse_statement_file(document(dirty), DEFAULT_LANGUAGES)
    assert record.translations[0].body == "<p>hi</p>"


def test_an_original_that_is_not_a_translation_is_refused() -> None:
    assert "original" in problems(document({**GOOD, "original": "fr"}))


def test_dump_then_parse_gives_the_same_records() -> None:
    records = parse_statement_file(document(GOOD), DEFAULT_LANGUAGES)
    assert parse_statement_file(dump_statement_file(records), DEFAULT_LANGUAGES) == records


def test_a_checked_file_holds_little_for_each_slug() -> None:
    """The check keeps every slug of the file through the import (250,000 at
    100,000 statements): where each is given is a number, described only
    when a problem needs it, not a sentence a slug (360 bytes a slug here before)."""
    statements = [
        {
            "published": "2021-07-13T00:00:00Z",
            "translations": {
                language: {
                    "title": f"Statement number {n} about the strike in {language}",
                    "slug": f"statement-number-{n}-{language}",
                    "body": "<p>Strike.</p>",
                }
                for language in ("en", "fr", "de")
            },
        }
        for n in range(3000)
    ]
    data = json.dumps({"statements": statements}).encode()
    tracemalloc.start()
    try:
        checked = inspect_statement_file(io.BytesIO(data), DEFAULT_LANGUAGES)
        held, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(checked.slugs) == 9000 and not checked.problems
    assert held / len(checked.slugs) < 330, held / len(checked.slugs)
    assert checked.where_given(("de", "statement-number-7-de")) == (
        'statement 8 ("Statement number 7 about the strike in en"): translations.de.slug'
    )


def test_a_slug_given_twice_names_both_fields() -> None:
    """An old slug that another translation gives as its slug is one problem,
    naming where each gives it."""
    data = {
        "statements": [
            {
                "published": "2021-07-13T00:00:00Z",
                "translations": {
                    "fr": {"title": "Premier", "slug": "premier", "body": "<p>Un.</p>"}
                },
            },
            {
                "published": "2021-07-14T00:00:00Z",
                "translations": {
                    "en": {"title": "Second", "body": "<p>Two.</p>"},
                    "fr": {
                        "title": "Deuxième",
                        "slug": "deuxieme",
                        "old_slugs": ["premier"],
                        "body": "<p>Deux.</p>",
                    },
                },
            },
        ]
    }
    with pytest.raises(StatementFileError) as raised:
        parse_statement_file(json.dumps(data), DEFAULT_LANGUAGES)
    assert raised.value.problems == [
        'statement 2 ("Second"): translations.fr.old_slugs: "premier" is also used by '
        'statement 1 ("Premier"): translations.fr.slug'
    ]
