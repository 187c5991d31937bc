"""Maintainers' accounts: stored as scrypt hashes, signed in with Flask-Login,
each with a role (roles.py); the commands are in account_cli.py."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from . import audit, two_factor
from .account_models import User, UserLanguage
from .extensions import db, login_manager
from .i18n import is_supported
from .roles import Role

MIN_PASSWORD_LENGTH = 10


@cache
def _dummy_hash(method: str) -> str:
    """Checked against when an address is unknown, so that a wrong address and
    a wrong password take the same time and cannot be told apart. Made at the
    first such sign-in, not at start: scrypt takes 32 MB while it hashes, which
    would set every server process's peak memory before it answered anyone."""
    return generate_password_hash("not a password", method=method)


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message says
    why, in the maintainer's language in the editor."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.execute(
        select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _l("The password must have at least %(count)d characters.", count=MIN_PASSWORD_LENGTH)
        )


def _hash(password: str) -> str:
    # werkzeug's method string: "scrypt" unless PASSWORD_HASH_METHOD says otherwise.
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def create_user(
    email: str,
    password: str,
    role: Role = Role.ADMIN,
    languages: Iterable[str] = (),
    may_publish: bool = False,
) -> User:
    """A new maintainer; the password is kept only as a werkzeug scrypt hash.
    Without a role they are an admin, as every maintainer was before roles."""
    address = normalise_email(email)
    if "@" not in address or len(address) > 254:
        raise AccountError(_l("%(address)s is not an e-mail address.", address=repr(email)))
    if find_user(address):
        raise AccountError(_l("%(address)s already has an account.", address=address))
    _check_password(password)
    user = User(
        email=address,
        password_hash=_hash(password),
        created_at=datetime.now(UTC),
    )
    _give_role(user, role, languages, may_publish)
    db.session.add(user)
    audit.log(audit.ROLE, address, "created: " + _role_words(user))
    db.session.commit()
    return user


def _give_role(user: User, role: Role, languages: Iterable[str], may_publish: bool) -> None:
    codes = sorted(set(languages))
    unknown = [code for code in codes if not is_supported(code)]
    if unknown:
        raise AccountError(_l("Not a language of this site: %(codes)s.", codes=", ".join(unknown)))
    if role == Role.TRANSLATOR and not codes:
        raise AccountError(_l("A translator needs at least one language."))
    if role != Role.TRANSLATOR and (codes or may_publish):
        # Admins and editors work in every language and publish anyway.
        raise AccountError(_l("Only translators are given languages and the right to publish."))
    user.role = role
    user.may_publish = may_publish
    user.languages = [UserLanguage(language=code) for code in codes]


def _role_words(user: User) -> str:
    """The role as the audit log keeps it: "translator fr,es may publish"."""
    words = [user.role]
    if user.languages:
        words.append(",".join(entry.language for entry in user.languages))
    if user.may_publish:
        words.append("may publish")
    return " ".join(words)


def all_accounts() -> list[User]:
    """Every account, by address."""
    return list(db.session.execute(select(User).order_by(User.email)).scalars())


def _keep_an_admin(user: User) -> None:
    """Refuse to take the last admin away: nobody could manage accounts after."""
    if user.role != Role.ADMIN:
        return
    # Locked rows (on PostgreSQL), so two admins demoting each other at once
    # cannot both pass this check.
    admins = db.session.execute(
        select(User.id).where(User.role == Role.ADMIN).with_for_update()
    ).all()
    if len(admins) <= 1:
        raise AccountError(
            _l(
                "%(address)s is the last administrator: make another one first.",
                address=user.email,
            )
        )


def set_role(
    email: str, role: Role, languages: Iterable[str] = (), may_publish: bool = False
) -> User:
    """Give EMAIL another role (and a translator their languages). Their
    sessions end, so that no open page keeps rights they no longer have.
    The last admin stays an admin. Every change of role goes through here."""
    user = find_user(email)
    if user is None:
        raise AccountError(f"no account for {email}")
    if role != Role.ADMIN:
        _keep_an_admin(user)
    _give_role(user, role, languages, may_publish)
    user.session_generation += 1
    audit.log(audit.ROLE, user.email, _role_words(user))
    db.session.commit()
    return user


def set_password(email: str, password: str) -> None:
    """A new password; every session signed in with the old one ends."""
    user = find_user(email)
    if user is None:
        raise AccountError(f"no account for {email}")
    _check_password(password)
    user.password_hash = _hash(password)
    user.session_generation += 1
    db.session.commit()


def end_sessions(user: User) -> None:
    """Sign ``user`` out of every browser: their session cookies no longer open the editor."""
    user.session_generation += 1
    db.session.commit()


def delete_user(email: str) -> None:
    """Delete EMAIL's account (its languages and recovery codes go with it);
    never the last admin's."""
    user = find_user(email)
    if user is None:
        raise AccountError(f"no account for {email}")
    _keep_an_admin(user)
    db.session.delete(user)
    audit.log(audit.ROLE, user.email, "deleted")
    db.session.commit()


def reset_two_factor(email: str) -> User:
    """Turn EMAIL's two-factor sign-in off (a lost device): the secret and the
    recovery codes are forgotten and every session ends; they sign in with
    the password alone and may enrol again."""
    user = find_user(email)
    if user is None:
        raise AccountError(f"no account for {email}")
    two_factor.turn_off(user)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user with this address and password, or None."""
    user = find_user(email)
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def _load_user(session_id: str) -> User | None:
    """The user a session cookie names, if it is of their current generation."""
    user_id, _dot, generation = session_id.partition(".")
    if not (user_id.isdecimal() and generation.isdecimal() and len(user_id) < 10):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or str(user.session_generation) != generation:
        return None
    return user


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(_load_user)
    login_manager.login_view = "admin.login"
    login_manager.login_message = _l("Please sign in to use the editor.")
