"""Who may do what in the editor: the three roles and the rules between them.

One home for these rules: the editor's views, forms and commands ask here,
never compare role names themselves.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from flask_babel import LazyString, lazy_pgettext


class Role(StrEnum):
    # Accounts and everything else.
    ADMIN = "admin"
    # Writes, publishes, schedules and deletes statements.
    EDITOR = "editor"
    # Translations in the languages given to them, nothing else.
    TRANSLATOR = "translator"


ROLES = tuple(Role)

ROLE_NAMES: dict[Role, LazyString] = {
    # "role": the editor's name for itself is also "Editor" in English.
    Role.ADMIN: lazy_pgettext("role", "Administrator"),
    Role.EDITOR: lazy_pgettext("role", "Editor"),
    Role.TRANSLATOR: lazy_pgettext("role", "Translator"),
}


class Member(Protocol):
    """What the rules read of an account (models.User)."""

    @property
    def role(self) -> str: ...

    @property
    def language_codes(self) -> frozenset[str]: ...

    @property
    def may_publish(self) -> bool: ...


def may_edit_statements(user: Member) -> bool:
    """Write whole statements: originals, times, topics, signatories, deletes."""
    return user.role in (Role.ADMIN, Role.EDITOR)


def may_manage_accounts(user: Member) -> bool:
    return user.role == Role.ADMIN


def may_translate(user: Member, language: str) -> bool:
    """Create and edit the translation of a statement into ``language``."""
    if may_edit_statements(user):
        return True
    return user.role == Role.TRANSLATOR and language in user.language_codes


def may_publish_translation(user: Member, language: str) -> bool:
    """Make a translation into ``language`` visible, rather than only keep it as a draft."""
    if may_edit_statements(user):
        return True
    return may_translate(user, language) and user.may_publish
