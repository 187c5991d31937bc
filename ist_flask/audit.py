"""The audit log: sign-ins (and failed ones), sign-outs, role changes,
publishes, deletes and restores, newest first for admins (/admin/audit,
`flask audit`).

``log`` adds an event to the session; the caller's commit keeps it with the
change it describes. Failed sign-ins come from strangers, so the log keeps
at most AUDIT_FAILED_SIGN_INS_KEPT of them (the throttle already refuses
tries past its limits before they are counted here).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

import click
from flask import Flask, current_app, has_request_context, request
from flask.cli import with_appcontext
from flask_login import current_user
from sqlalchemy import delete, select

from .extensions import db
from .revision_models import AuditEvent

SIGN_IN = "sign-in"
SIGN_IN_FAILED = "sign-in-failed"
SIGN_OUT = "sign-out"
ROLE = "role"
PUBLISH = "publish"
DELETE = "delete"
RESTORE = "restore"
EVENTS = (SIGN_IN, SIGN_IN_FAILED, SIGN_OUT, ROLE, PUBLISH, DELETE, RESTORE)

SUBJECT_MAX = 254
DETAIL_MAX = 500


class Actor(Protocol):
    """Who did it, as the log keeps them (account_models.User)."""

    @property
    def id(self) -> int: ...

    @property
    def email(self) -> str: ...


class _Signed:
    """The maintainer signed in to this request, whoever they are."""


SIGNED_IN = _Signed()


def _acting(actor: Actor | _Signed | None) -> Actor | None:
    if not isinstance(actor, _Signed):
        return actor
    if has_request_context() and current_user.is_authenticated:
        return current_user  # type: ignore[no-any-return]
    return None  # a command


def log(
    event: str,
    subject: str | None = None,
    detail: str | None = None,
    actor: Actor | _Signed | None = SIGNED_IN,
) -> AuditEvent:
    """Add ``event`` to the session (the caller commits it with its change).

    By default the actor is whoever is signed in to this request, or nobody
    (a command); the client's address is kept when there is a request.
    """
    who = _acting(actor)
    address = request.remote_addr if has_request_context() else None
    entry = AuditEvent(
        at=datetime.now(UTC),
        event=event,
        actor_id=who.id if who is not None else None,
        actor_email=who.email if who is not None else None,
        address=address[:64] if address else None,
        subject=subject[:SUBJECT_MAX] if subject else None,
        detail=detail[:DETAIL_MAX] if detail else None,
    )
    db.session.add(entry)
    if event == SIGN_IN_FAILED:
        db.session.flush()
        _keep_latest_failures(int(current_app.config["AUDIT_FAILED_SIGN_INS_KEPT"]))
    return entry


def _keep_latest_failures(kept: int) -> None:
    """Forget the failed sign-ins older than the latest ``kept``."""
    oldest_kept = db.session.execute(
        select(AuditEvent.id)
        .where(AuditEvent.event == SIGN_IN_FAILED)
        .order_by(AuditEvent.id.desc())
        .offset(max(kept, 1) - 1)
        .limit(1)
    ).scalar_one_or_none()
    if oldest_kept is not None:
        db.session.execute(
            delete(AuditEvent).where(
                AuditEvent.event == SIGN_IN_FAILED, AuditEvent.id < oldest_kept
            )
        )


def describe(entry: AuditEvent) -> str:
    """One line of `flask audit`."""
    parts = [
        entry.at.strftime("%Y-%m-%d %H:%M:%SZ"),
        entry.event,
        entry.actor_email or "-",
        entry.address or "-",
        entry.subject or "-",
    ]
    if entry.detail:
        parts.append(entry.detail)
    return "\t".join(parts)


@click.command("audit")
@with_appcontext
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1))
def audit_command(limit: int) -> None:
    """Print the audit log, newest first: time, event, who, from where, what."""
    from .revision_queries import audit_events

    for entry in audit_events(limit, offset=0):
        click.echo(describe(entry))


def init_app(app: Flask) -> None:
    app.cli.add_command(audit_command)
