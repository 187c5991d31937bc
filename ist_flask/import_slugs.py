"""The slugs an import gives its translations: those the file gives, checked
against the database, and those it makes from titles, numbered where taken.
statement_import.py calls these inside its one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, select, update

from .content import make_slug
from .extensions import db
from .models import SlugRedirect, Translation
from .queries import lookup_chunks

SlugKey = tuple[str, str]  # (language, slug)


@dataclass(frozen=True)
class SlugOwner:
    """The statement that has a slug: as its address now, or as an old one (``old``)."""

    title: str
    old: bool

    def describe(self, slug: str) -> str:
        if self.old:
            return (
                f'"{slug}" is an old address of another statement ("{self.title}"), '
                "which it still leads to"
            )
        return f'"{slug}" is already used by another statement ("{self.title}")'


# What slug_owners asks for each language and IN list, built once. Built
# anew for each list, a parameter made for each slug, they took 7-10 ms a
# batch of 250 slugs in 7 languages, against 3-3.5 ms so: 12 s of the
# importing process's time at 100,000 statements, which now checks each
# batch's slugs as it writes it.
_CURRENT = select(Translation.slug, Translation.title).where(
    Translation.language == bindparam("language"),
    Translation.slug.in_(bindparam("slugs", expanding=True)),
)
_FORMER = (
    select(SlugRedirect.slug, Translation.title)
    .join(Translation, SlugRedirect.translation_id == Translation.id)
    .where(
        SlugRedirect.language == bindparam("language"),
        SlugRedirect.slug.in_(bindparam("slugs", expanding=True)),
    )
)


def slug_owners(keys: Iterable[SlugKey]) -> dict[SlugKey, SlugOwner]:
    """Which of ``keys`` the database gives to a statement, and how."""
    by_language: dict[str, list[str]] = {}
    for language, slug in keys:
        by_language.setdefault(language, []).append(slug)
    owners: dict[SlugKey, SlugOwner] = {}
    # The session's connection, inside its transaction, without the ORM's
    # work for each query: these return plain rows.
    connection = db.session.connection()
    for language, slugs in by_language.items():
        # One language per query: PostgreSQL reads a (language, slug) IN list
        # of pairs by scanning the whole table, but a slug IN list of one
        # language from the unique index.
        for chunk in lookup_chunks(slugs):
            wanted = {"language": language, "slugs": chunk}
            for slug, title in connection.execute(_CURRENT, wanted):
                owners[(language, slug)] = SlugOwner(title, old=False)
            for slug, title in connection.execute(_FORMER, wanted):
                owners.setdefault((language, slug), SlugOwner(title, old=True))
    return owners


class SlugAllocator:
    """Hands out slugs no other translation in the language has, or had: the
    database's, the file's, and those made earlier in the import. Clashing
    titles get "-2", "-3"… without starting the count again each time.

    The file is read once, so a slug made from a title may be one that a
    later statement gives: that statement's batch makes it again, as it
    would have been made had the later slug been known (give)."""

    def __init__(self, max_length: int) -> None:
        self.max_length = max_length
        # Given by the file so far, or made: no other translation may have them.
        self.used: set[SlugKey] = set()
        # Made from a title in this import (give may make them again).
        self.made_here: set[SlugKey] = set()
        self.taken_in_database: set[SlugKey] = set()
        self._next_number: dict[SlugKey, int] = {}

    def made(self, title: str) -> str:
        """The slug made from ``title``, within IST_SLUG_MAX_LENGTH."""
        return make_slug(title, self.max_length)

    def others_of(self, given: list[SlugKey]) -> dict[SlugKey, SlugOwner]:
        """Which of the slugs a batch gives the database gives to a statement
        that this import did not write. (The file gives a slug once: a second
        time is a problem of the file, whose statement is not written.)"""
        return slug_owners(key for key in given if key not in self.made_here)

    def give(self, given: list[SlugKey]) -> None:
        """Take the slugs a batch gives, before its translations claim theirs:
        a translation written earlier whose slug was made from its title and
        is one of them gets another, the next free number of its title's."""
        self.used.update(given)
        for key in [key for key in given if key in self.made_here]:  # in the file's order
            self.made_here.discard(key)
            language, slug = key
            made = (Translation.language == language, Translation.slug == slug)
            title = db.session.execute(select(Translation.title).where(*made)).scalar_one()
            again = self.claim(language, None, title)
            db.session.execute(update(Translation).where(*made).values(slug=again))

    def learn_taken(self, keys: list[SlugKey]) -> None:
        """Look up a batch's wanted slugs in the database with one query a chunk."""
        self.taken_in_database |= set(slug_owners(keys))

    def _free(self, language: str, slug: str) -> bool:
        key = (language, slug)
        return key not in self.used and key not in self.taken_in_database

    def claim(self, language: str, slug: str | None, title: str) -> str:
        if slug:
            self.used.add((language, slug))
            return slug
        base = self.made(title)
        candidate = base
        if not self._free(language, base):
            number = self._next_number.get((language, base), 2)
            while True:
                suffix = f"-{number}"
                # Cut the title's slug, not the number, to stay within the limit.
                candidate = base[: self.max_length - len(suffix)].rstrip("-") + suffix
                number += 1
                if self._free(language, candidate) and not slug_owners([(language, candidate)]):
                    break
            self._next_number[(language, base)] = number
        self.used.add((language, candidate))
        self.made_here.add((language, candidate))
        return candidate
