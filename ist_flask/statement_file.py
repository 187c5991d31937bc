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
lead to a translation. Reading finds every problem of the file at once
(FileCheck); statement_records.py checks each statement. No Flask here.
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
    "FileCheck",
    "StatementFileError",
    "StatementRecord",
    "TranslationRecord",
    "format_datetime",
    "inspect_statement_file",
    "parse_datetime",
    "parse_statement_file",
    "slug_field",
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
        return slug_field(number, self.titles[number - 1], key[0], bool(old))


def _given_at(number: int, old: bool) -> int:
    """CheckedFile.slugs's number for statement ``number``'s slug or old slug."""
    return number * 2 + old


def slug_field(number: int, title: str | None, language: str, old: bool) -> str:
    """Where a slug is given: 'statement 3 ("Title"): translations.fr.slug'."""
    where = describe_where(number, title=title)
    return f"{where}: translations.{language}.{'old_slugs' if old else 'slug'}"


class FileCheck:
    """What a read of the file finds, gathered one statement at a time as
    ``records`` yields them: the import checks the file in the same read
    that makes its records (the statements with problems are left out),
    and inspect_statement_file reads it only to check."""

    def __init__(
        self, stream: BinaryIO, languages: Sequence[str], limits: TextLimits = DEFAULT_LIMITS
    ) -> None:
        """Read the groups the file defines before its statements, and go
        back to the file's start for ``records``."""
        self.languages = languages
        self.limits = limits
        problems: list[str] = []
        self._checked = CheckedFile(0, problems, {}, read_groups(stream, languages, problems))
        stream.seek(0)
        self.count = 0

    @property
    def problems(self) -> list[str]:
        return self._checked.problems

    @property
    def groups(self) -> GroupRecords:
        return self._checked.groups

    def records(self, stream: BinaryIO, clean: bool) -> Iterator[tuple[int, StatementRecord]]:
        """The file's good statements with their numbers (from 1), bodies
        sanitised when ``clean``; a slug given twice for one language (as a
        slug or an old slug) is a problem of the second statement that gives it."""
        checked = self._checked
        problems, groups = checked.problems, checked.groups
        slugs, titles, elsewhere = checked.slugs, checked.titles, checked.elsewhere
        for number, item in enumerate(statement_items(stream), start=1):
            self.count = number
            before = len(problems)
            record = parse_statement(number, item, self.languages, problems, self.limits, clean)
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
                for old, slug in translation.given_slugs():
                    key = (translation.language, slug)
                    if key in slugs:
                        field = slug_field(number, titles[-1], key[0], old)
                        where = checked.where_given(key)
                        problems.append(f'{field}: "{slug}" is also used by {where}')
                    else:
                        slugs[key] = _given_at(number, old)
            if len(problems) == before:
                yield number, record

    def result(self) -> CheckedFile:
        return dataclasses.replace(self._checked, count=self.count)


def inspect_statement_file(
    stream: BinaryIO, languages: Sequence[str], limits: TextLimits = DEFAULT_LIMITS
) -> CheckedFile:
    """Read the whole file once and find every problem in it."""
    check = FileCheck(stream, languages, limits)
    for _record in check.records(stream, clean=False):
        pass
    return check.result()


def parse_statement_file(
    text: str, languages: Sequence[str], limits: TextLimits = DEFAULT_LIMITS
) -> list[StatementRecord]:
    """Check and read a small file held in memory (the demo content, tests)."""
    stream = io.BytesIO(text.encode("utf-8"))
    check = FileCheck(stream, languages, limits)
    records = [record for _number, record in check.records(stream, clean=True)]
    if check.problems:
        raise StatementFileError(check.problems)
    return records
