"""`flask subscribers export|delete|count`: what the site keeps about an
address, given to its owner or forgotten on request, and how many there are."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from . import subscriber_queries
from .accounts import normalise_email
from .schema import needs_current_schema
from .subscriptions import delete_subscriber, subscriber_record

subscribers = AppGroup("subscribers", help="Answer for the email subscribers' data.")


@subscribers.command("export")
@click.argument("email")
@needs_current_schema
def export_command(email: str) -> None:
    """Print everything kept about EMAIL, as JSON."""
    record = subscriber_record(email)
    if record is None:
        raise click.ClickException(f"no subscriber {normalise_email(email)}")
    click.echo(json.dumps(record, ensure_ascii=False, indent=2))


@subscribers.command("delete")
@click.argument("email")
@needs_current_schema
def delete_command(email: str) -> None:
    """Forget EMAIL: no more messages, nothing kept."""
    if not delete_subscriber(email):
        raise click.ClickException(f"no subscriber {normalise_email(email)}")
    click.echo(f"Deleted {normalise_email(email)}.")


@subscribers.command("count")
@needs_current_schema
def count_command() -> None:
    """Confirmed subscribers per language, and those still to confirm."""
    for language, count in subscriber_queries.counts_by_language():
        click.echo(f"{language}\t{count}")
    click.echo(f"unconfirmed\t{subscriber_queries.unconfirmed_count()}")
