"""Topics and signatories in the statement file: their records, the checks
that make them from parsed JSON, and the rules for names, countries and web
addresses that the editor and the CLI share. No Flask here.

    "topics": {"anti-war": {"en": {"name": "Anti-war", "slug": "anti-war"},
                            "fr": {"name": "Contre la guerre", "slug": "contre-la-guerre"}}},
    "organisations": {"example-socialists": {"name": "…", "country": "GB",
                                             "web_address": "https://…", "names": {"fr": "…"}}}

A topic is known by its slug in the default language (or its first
language): the key statements give in their "topics" list. An organisation
is known by its slug, which statements give in "signatories".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .content import clean_text, is_valid_slug
from .i18n import DEFAULT_LANGUAGE

# What the columns hold (group_models.py).
NAME_MAX_LENGTH = 200
WEB_ADDRESS_MAX_LENGTH = 500
_COUNTRY = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class TopicRecord:
    key: str
    # (language, name, slug), in the configured language order.
    names: tuple[tuple[str, str, str], ...]
    # (language, slug) of addresses its pages had, which redirect, oldest first.
    old_slugs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class OrganisationRecord:
    slug: str
    name: str
    country: str | None = None
    web_address: str | None = None
    # (language, name) where it differs from ``name``.
    names: tuple[tuple[str, str], ...] = ()
    # Slugs it had, which redirect, oldest first.
    old_slugs: tuple[str, ...] = ()


@dataclass(frozen=True)
class GroupRecords:
    topics: dict[str, TopicRecord] = field(default_factory=dict)
    organisations: dict[str, OrganisationRecord] = field(default_factory=dict)


def default_language_of(languages: Iterable[str]) -> str:
    """Of the languages a topic is named in, the one whose name stands for it
    elsewhere: the default language, or else the first by code."""
    codes = set(languages)
    return DEFAULT_LANGUAGE if DEFAULT_LANGUAGE in codes else min(codes)


def topic_key(languages_and_slugs: Sequence[tuple[str, str]]) -> str:
    """A topic's key in the file: its slug in default_language_of its languages."""
    slugs = dict(languages_and_slugs)
    return slugs[default_language_of(slugs)]


def is_country(code: str) -> bool:
    """An ISO 3166-1 alpha-2 code in upper case ("GB")."""
    return bool(_COUNTRY.match(code))


def is_web_address(address: str) -> bool:
    """An absolute http(s) address with a host and no spaces, within the column."""
    if len(address) > WEB_ADDRESS_MAX_LENGTH or any(c.isspace() for c in address):
        return False
    try:
        parts = urlsplit(address)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _name(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    name = clean_text(value).strip()
    return name if name and len(name) <= NAME_MAX_LENGTH else None


def parse_topics(
    value: Any, languages: Sequence[str], problems: list[str]
) -> dict[str, TopicRecord]:
    if not isinstance(value, dict):
        problems.append("topics: must be an object of topics by their slug")
        return {}
    topics = {}
    seen: dict[tuple[str, str], str] = {}
    for key, names in value.items():
        where = f"topics.{key}"
        if not isinstance(names, dict) or not names:
            problems.append(f"{where}: must be an object of names by language")
            continue
        before = len(problems)
        parsed = []
        old_slugs = _topic_old_slugs(
            f"{where}.{OLD_SLUGS}", names.get(OLD_SLUGS), languages, problems
        )
        for language, fields in names.items():
            if language == OLD_SLUGS:
                continue
            if language not in languages:
                problems.append(f"{where}.{language}: unknown language code")
                continue
            fields = fields if isinstance(fields, dict) else {}
            name, slug = _name(fields.get("name")), fields.get("slug")
            if name is None:
                problems.append(f"{where}.{language}.name: missing, empty or too long")
            if not isinstance(slug, str) or not is_valid_slug(slug):
                problems.append(
                    f"{where}.{language}.slug: must be lower-case letters and digits "
                    "joined by hyphens"
                )
            elif (language, slug) in seen:
                problems.append(
                    f'{where}.{language}.slug: "{slug}" is also {seen[(language, slug)]}'
                )
            else:
                seen[(language, slug)] = f"topics.{key}.{language}.slug"
            if name is not None and isinstance(slug, str):
                parsed.append((language, name, slug))
        if len(problems) > before:
            continue
        if topic_key([(language, slug) for language, _name_, slug in parsed]) != key:
            problems.append(
                f"{where}: a topic is known by its slug in {DEFAULT_LANGUAGE} "
                "(or its first language)"
            )
            continue
        position = {code: n for n, code in enumerate(languages)}
        parsed.sort(key=lambda n: position[n[0]])
        topics[key] = TopicRecord(key, tuple(parsed), old_slugs)
    return topics


# Beside a topic's languages, the addresses its pages had: {"en": ["war"]}.
OLD_SLUGS = "old_slugs"


def _topic_old_slugs(
    where: str, value: Any, languages: Sequence[str], problems: list[str]
) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, dict) or not all(
        language in languages and isinstance(slugs, list) for language, slugs in value.items()
    ):
        problems.append(f"{where}: must be an object of lists of slugs by language")
        return ()
    found = []
    for language, slugs in value.items():
        found += [
            (language, slug) for slug in _old_slug_list(f"{where}.{language}", slugs, problems)
        ]
    return tuple(found)


def _old_slug_list(where: str, value: Any, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(
        isinstance(slug, str) and is_valid_slug(slug) for slug in value
    ):
        problems.append(f"{where}: must be a list of slugs")
        return ()
    return tuple(value)


def parse_organisations(
    value: Any, languages: Sequence[str], problems: list[str]
) -> dict[str, OrganisationRecord]:
    if not isinstance(value, dict):
        problems.append("organisations: must be an object of organisations by their slug")
        return {}
    organisations = {}
    for slug, fields in value.items():
        where = f"organisations.{slug}"
        if not is_valid_slug(slug):
            problems.append(
                f"{where}: the slug must be lower-case letters and digits joined by hyphens"
            )
            continue
        if not isinstance(fields, dict):
            problems.append(f"{where}: must be an object")
            continue
        before = len(problems)
        name = _name(fields.get("name"))
        if name is None:
            problems.append(f"{where}.name: missing, empty or too long")
        country = fields.get("country")
        if country is not None and not (isinstance(country, str) and is_country(country)):
            problems.append(f'{where}.country: {country!r} is not a country code such as "GB"')
        address = fields.get("web_address")
        if address is not None and not (isinstance(address, str) and is_web_address(address)):
            problems.append(f"{where}.web_address: {address!r} is not an http(s) address")
        names = fields.get("names", {})
        own: list[tuple[str, str]] = []
        if not isinstance(names, dict):
            problems.append(f"{where}.names: must be an object of names by language")
            names = {}
        for language, other in names.items():
            if language not in languages or _name(other) is None:
                problems.append(f"{where}.names.{language}: unknown language or bad name")
            else:
                own.append((language, _name(other) or ""))
        old_slugs = _old_slug_list(f"{where}.{OLD_SLUGS}", fields.get(OLD_SLUGS), problems)
        if len(problems) > before:
            continue
        assert name is not None
        organisations[slug] = OrganisationRecord(
            slug, name, country, address, tuple(own), old_slugs
        )
    return organisations


def parse_groups(
    header: Mapping[str, Any], languages: Sequence[str], problems: list[str]
) -> GroupRecords:
    """The topics and organisations a file defines (its top-level keys)."""
    return GroupRecords(
        parse_topics(header["topics"], languages, problems) if "topics" in header else {},
        parse_organisations(header["organisations"], languages, problems)
        if "organisations" in header
        else {},
    )


def parse_keys(where: str, value: Any, problems: list[str]) -> tuple[str, ...]:
    """A statement's "topics" or "signatories": a list of slugs, each once."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(
        isinstance(key, str) and is_valid_slug(key) for key in value
    ):
        problems.append(f"{where}: must be a list of slugs")
        return ()
    if len(set(value)) != len(value):
        problems.append(f"{where}: a slug is given twice")
        return ()
    return tuple(value)


def groups_json(groups: GroupRecords) -> dict[str, Any]:
    """The file's "topics" and "organisations", each only when there are some."""
    found: dict[str, Any] = {}
    if groups.topics:
        topics: dict[str, Any] = {}
        for key, t in groups.topics.items():
            names: dict[str, Any] = {
                language: {"name": name, "slug": slug} for language, name, slug in t.names
            }
            if t.old_slugs:
                moved: dict[str, list[str]] = {}
                for language, slug in t.old_slugs:
                    moved.setdefault(language, []).append(slug)
                names[OLD_SLUGS] = moved
            topics[key] = names
        found["topics"] = topics
    if groups.organisations:
        organisations: dict[str, Any] = {}
        for slug, o in groups.organisations.items():
            fields: dict[str, Any] = {
                "name": o.name,
                "country": o.country,
                "web_address": o.web_address,
            }
            if o.names:
                fields["names"] = dict(o.names)
            if o.old_slugs:
                fields[OLD_SLUGS] = list(o.old_slugs)
            organisations[slug] = fields
        found["organisations"] = organisations
    return found
