"""The JSON file format that `flask statements import|export` read and write.

    {"statements": [{"published": "2021-07-13T00:00:00Z", "original": "en", "status": "published",
                     "translations": {"en": {"title": "…", "slug": "…", "summary": null,
                                             "body": "<p>…</p>", "markdown": null,
                                             "updated": "…", "old_slugs": ["…"]}}}]}

Topics and signatories come before the statements, as "topics" and
"organisations" (group_records.py), and a statement names its own in
"topics" and "signatories"; files without them are read as before.
Only "published", "translations" and each translation's "title" and "body" are
required; "status" is "published" unless it says "draft", "markdown" keeps
the editor's source of the body, and "old_slugs" the addresses that still
lead to a translation. Reading checks the whole file and reports every
problem before anything is written; statement_records.py checks each
statement. No Flask here.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

import ijson

from .content import DEFAULT_LIMITS, TextLimits
from .group_records import GroupRecords, parse_groups
from .statement_records import (
    StatementFileError,
    StatementRecord,
    TranslationRecord,
    describe_where,
    format_datetime,
    parse_datetime,
    parse_statement,
)

# The format's public names, wherever they are defined.
__all__ = [
    "CheckedFile",
    "StatementFileError",
    "StatementRecord",
    "TranslationRecord",
    "check_statement_file",
    "format_datetime",
    "inspect_statement_file",
    "parse_datetime",
    "parse_statement_file",
    "read_statement_file",
    "statement_items",
]

# The top-level keys that define groups: read before the statements, so
# that a file of any size is still read one statement at a time.
GROUP_KEYS = ("topics", "organisations")


def statement_items(stream: BinaryIO) -> Iterator[Any]:
    """The items of the file's "statements" list, parsed one at a time, so that
    a file of any size is never held in memory whole."""
    events = ijson.parse(stream, use_float=True)
    try:
        first = next(events, None)
        if first is None or first[1] != "start_map":
            raise StatementFileError(['the file must be an object with a "statements" list'])
        for prefix, event, _value in events:
            if prefix == "statements":
                if event != "start_array":
                    raise StatementFileError(['"statements" must be a list'])
                break
        else:
            raise StatementFileError(['the file must be an object with a "statements" list'])
        yield from ijson.items(_no_groups_after(events), "statements.item")
    except ijson.JSONError as error:
        raise StatementFileError([f"not valid JSON: {_json_problem(error)}"]) from None


def _checked_items(stream: BinaryIO) -> Iterator[Any]:
    """statement_items of a file whose form statement_items has checked: the
    parser's own search for the list, without passing each of its events
    through Python to look for groups after it (a sixth of a large import's
    reading)."""
    try:
        yield from ijson.items(stream, "statements.item", use_float=True)
    except ijson.JSONError as error:  # the file changed since it was checked
        raise StatementFileError([f"not valid JSON: {_json_problem(error)}"]) from None


def _no_groups_after(events: Iterator[Any]) -> Iterator[Any]:
    """The events after "statements", refusing a definition of groups there."""
    for event in events:
        if event[0] == "" and event[1] == "map_key" and event[2] in GROUP_KEYS:
            raise StatementFileError([f'"{event[2]}" must come before "statements"'])
        yield event


def read_groups(stream: BinaryIO, languages: Sequence[str], problems: list[str]) -> GroupRecords:
    """The topics and organisations the file defines before its statements."""
    header: dict[str, Any] = {}
    try:
        events = ijson.parse(stream, use_float=True)
        for prefix, event, value in events:
            if prefix == "" and event == "map_key":
                if value == "statements":
                    break
                if value in GROUP_KEYS:
                    header[value] = _value(events)
    except ijson.JSONError as error:
        raise StatementFileError([f"not valid JSON: {_json_problem(error)}"]) from None
    return parse_groups(header, languages, problems)


def _value(events: Iterator[tuple[str, str, Any]]) -> Any:
    """The whole JSON value whose events come next."""
    builder = ijson.ObjectBuilder()
    depth = 0
    for _prefix, event, value in events:
        builder.event(event, value)
        if event in ("start_map", "start_array"):
            depth += 1
        elif event in ("end_map", "end_array"):
            depth -= 1
        if depth == 0:
            return builder.value
    return None


def _json_problem(error: Exception) -> str:
    """The first line of the parser's message (which may come as bytes)."""
    message = error.args[0] if error.args else str(error)
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    return str(message).splitlines()[0] if str(message) else "unreadable"


@dataclass(frozen=True)
class CheckedFile:
    """What a full read of a file found: its size, its problems, and every
    (language, slug) it gives, current or old, with where it gives it
    (``where_given``: 'statement 3 ("Title"): translations.fr.slug')."""

    count: int
    problems: list[str]
    # Where each slug is given, as a number (_given_at): a file of 100,000
    # statements gives 250,000 slugs, and their descriptions held 110 MB
    # through the import. The descriptions are made when a problem needs one.
    slugs: dict[tuple[str, str], int]
    groups: GroupRecords = dataclasses.field(default_factory=GroupRecords)
    # ("topic" or "organisation", key) that statements name but the file does
    # not define, with the field naming it first: the database must have them.
    elsewhere: dict[tuple[str, str], str] = dataclasses.field(default_factory=dict)
    # The title that describes each statement (describe_where), by number - 1.
    titles: list[str | None] = dataclasses.field(default_factory=list)

    def where_given(self, key: tuple[str, str]) -> str:
        """The field that gives the slug ``key``, with its statement."""
        number, old = divmod(self.slugs[key], 2)
        return _slug_field(number, self.titles[number - 1], key[0], bool(old))


def _given_at(number: int, old: bool) -> int:
    """CheckedFile.slugs's number for statement ``number``'s slug or old slug."""
    return number * 2 + old


def _slug_field(number: int, title: str | None, language: str, old: bool) -> str:
    """Where a slug is given: 'statement 3 ("Title"): translations.fr.slug'."""
    where = describe_where(number, title=title)
    return f"{where}: translations.{language}.{'old_slugs' if old else 'slug'}"


def inspect_statement_file(
    stream: BinaryIO, languages: Sequence[str], limits: TextLimits = DEFAULT_LIMITS
) -> CheckedFile:
    """Read the whole file once and find every problem in it; a slug given
    twice for one language (as a slug or an old slug) is one."""
    problems: list[str] = []
    groups = read_groups(stream, languages, problems)
    stream.seek(0)
    checked = CheckedFile(0, problems, {}, groups)
    slugs, titles, elsewhere = checked.slugs, checked.titles, checked.elsewhere
    count = 0
    for number, item in enumerate(statement_items(stream), start=1):
        count = number
        record = parse_statement(number, item, languages, problems, limits, clean=False)
        titles.append(record.translations[0].title if record and record.translations else None)
        if record is None:
            continue
        for kind, keys, defined in (
            ("topic", record.topics, groups.topics),
            ("organisation", record.signatories, groups.organisations),
        ):
            for group_key in keys:
                if group_key not in defined:
                    elsewhere.setdefault((kind, group_key), describe_where(number, record))
        for translation in record.translations:
            given = [(False, translation.slug)] if translation.slug else []
            given += [(True, old) for old in translation.old_slugs]
            for old, slug in given:
                key = (translation.language, slug)
                if key in slugs:
                    field = _slug_field(number, titles[-1], key[0], old)
                    problems.append(f'{field}: "{slug}" is also used by {checked.where_given(key)}')
                else:
                    slugs[key] = _given_at(number, old)
    return dataclasses.replace(checked, count=count)


def check_statement_file(
    stream: BinaryIO, languages: Sequence[str], limits: TextLimits = DEFAULT_LIMITS
) -> CheckedFile:
    """inspect_statement_file, raising StatementFileError when it finds a problem."""
    checked = inspect_statement_file(stream, languages, limits)
    if checked.problems:
        raise StatementFileError(checked.problems)
    return checked


def read_statement_file(
    stream: BinaryIO, languages: Sequence[str], limits: TextLimits = DEFAULT_LIMITS
) -> Iterator[StatementRecord]:
    """The statements of a file that check_statement_file passed, bodies sanitised."""
    problems: list[str] = []
    for number, item in enumerate(_checked_items(stream), start=1):
        record = parse_statement(number, item, languages, problems, limits, clean=True)
        if record is None:  # the file changed since it was checked
            raise StatementFileError(problems)
        yield record


def parse_statement_file(
    text: str, languages: Sequence[str], limits: TextLimits = DEFAULT_LIMITS
) -> list[StatementRecord]:
    """Check and read a small file held in memory (the demo content, tests)."""
    data = text.encode("utf-8")
    check_statement_file(io.BytesIO(data), languages, limits)
    return list(read_statement_file(io.BytesIO(data), languages, limits))
