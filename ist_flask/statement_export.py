"""Writing the statement file: one statement at a time, in the text that
json.dumps(indent=2) gives for the whole document. No Flask here."""

from __future__ import annotations

import base64
import io
import json
import textwrap
from collections.abc import Iterable
from typing import Any, TextIO

from .group_records import GroupRecords, groups_json
from .statement_file import StatementRecord, TranslationRecord, format_datetime


def _as_json(record: StatementRecord) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "published": format_datetime(record.published),
        "original": record.original,
        "status": record.status,
    }
    # Only when there are some: a file of a site without them stays as it was.
    if record.topics:
        fields["topics"] = list(record.topics)
    if record.signatories:
        fields["signatories"] = list(record.signatories)
    fields["translations"] = {t.language: _translation_json(t) for t in record.translations}
    if record.image is not None:
        # Last: the largest field, after everything a reader of the file looks for.
        fields["image"] = {
            "media_type": record.image.media_type,
            "data": base64.b64encode(record.image.data).decode("ascii"),
        }
    return fields


def _translation_json(translation: TranslationRecord) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": translation.title,
        "slug": translation.slug,
        "summary": translation.summary,
        "body": translation.body,
        "markdown": translation.markdown,
        "updated": format_datetime(translation.updated) if translation.updated else None,
    }
    if translation.old_slugs:
        # Their addresses keep leading here after a move to another site.
        fields["old_slugs"] = list(translation.old_slugs)
    for name in ("image_alt", "image_caption", "image_credit"):
        if getattr(translation, name) is not None:
            fields[name] = getattr(translation, name)
    return fields


def write_statement_file(
    records: Iterable[StatementRecord], out: TextIO, groups: GroupRecords | None = None
) -> int:
    """Write the file for ``records`` (and ``groups``' definitions, before
    them) one statement at a time; return how many.

    The text is what json.dumps(indent=2) gives for the whole document, so that
    export, import into an empty database and export again give the same file.
    """
    out.write("{\n")
    for key, value in groups_json(groups or GroupRecords()).items():
        text = json.dumps(value, ensure_ascii=False, indent=2)
        out.write(f'  "{key}": ' + textwrap.indent(text, "  ").lstrip() + ",\n")
    out.write('  "statements": [')
    count = 0
    for record in records:
        text = json.dumps(_as_json(record), ensure_ascii=False, indent=2)
        out.write(("\n" if count == 0 else ",\n") + textwrap.indent(text, "    "))
        count += 1
    out.write("\n  ]\n}\n" if count else "]\n}\n")
    return count


def dump_statement_file(
    records: Iterable[StatementRecord], groups: GroupRecords | None = None
) -> str:
    """The file for ``records`` as one string."""
    out = io.StringIO()
    write_statement_file(records, out, groups)
    return out.getvalue()
