"""Maintainers' commands for signatories and topics:
`flask --app ist_flask organisations add|list` and `topics add|list`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from .content import is_valid_slug, make_slug
from .group_editing import GroupSlugTaken, save_organisation, save_topic
from .group_queries import all_organisations, all_topics
from .group_records import NAME_MAX_LENGTH, is_country, is_web_address
from .i18n import is_supported, supported_languages
from .schema import needs_current_schema

organisations = AppGroup("organisations", help="Add and list signatory organisations.")
topics = AppGroup("topics", help="Add and list topics.")


def _language_names(pairs: tuple[str, ...], option: str) -> dict[str, str]:
    """LANGUAGE=NAME pairs, checked."""
    found = {}
    for pair in pairs:
        language, _sep, name = pair.partition("=")
        name = name.strip()
        if not is_supported(language):
            raise click.BadParameter(
                f"{language!r} is not a supported language ({', '.join(supported_languages())})",
                param_hint=option,
            )
        if not name or len(name) > NAME_MAX_LENGTH:
            raise click.BadParameter(
                f"give LANGUAGE=NAME, such as fr=…: {pair!r}", param_hint=option
            )
        found[language] = name
    return found


@organisations.command("add")
@click.argument("slug")
@click.argument("name")
@click.option("--country", help="ISO 3166-1 alpha-2 code, such as GB.")
@click.option("--web-address", help="Its http(s) address.")
@click.option("--name-in", "names", multiple=True, help="LANGUAGE=NAME where its name differs.")
@needs_current_schema
def add_organisation(
    slug: str, name: str, country: str | None, web_address: str | None, names: tuple[str, ...]
) -> None:
    """Add an organisation at SLUG, called NAME."""
    if not is_valid_slug(slug):
        raise click.BadParameter(
            "lower-case letters and digits joined by hyphens", param_hint="SLUG"
        )
    if not name.strip() or len(name.strip()) > NAME_MAX_LENGTH:
        raise click.BadParameter(f"1 to {NAME_MAX_LENGTH} characters", param_hint="NAME")
    if country is not None:
        country = country.upper()
        if not is_country(country):
            raise click.BadParameter(
                "a two-letter country code, such as GB", param_hint="--country"
            )
    if web_address is not None and not is_web_address(web_address):
        raise click.BadParameter("an http:// or https:// address", param_hint="--web-address")
    try:
        save_organisation(
            None, slug, name.strip(), country, web_address, _language_names(names, "--name-in")
        )
    except GroupSlugTaken:
        raise click.ClickException(f"another organisation has the slug {slug!r}") from None
    click.echo(f"Added {name.strip()} ({slug}).")


@organisations.command("list")
@needs_current_schema
def list_organisations() -> None:
    """Every organisation: slug, name, country and web address."""
    found = all_organisations()
    for organisation in found:
        click.echo(
            f"{organisation.slug}\t{organisation.name}\t{organisation.country or ''}\t"
            f"{organisation.web_address or ''}"
        )
    if not found:
        click.echo("No organisation yet.")


@topics.command("add")
@click.argument("names", nargs=-1, required=True)
@needs_current_schema
def add_topic(names: tuple[str, ...]) -> None:
    """Add a topic named LANGUAGE=NAME in each language given (its slugs are
    made from the names)."""
    named = _language_names(names, "NAMES")
    try:
        save_topic(None, {language: (name, make_slug(name)) for language, name in named.items()})
    except GroupSlugTaken as taken:
        raise click.ClickException(
            f"another topic has the slug {taken.slug!r} in {taken.language}"
        ) from None
    click.echo(f"Added the topic {', '.join(named.values())}.")


@topics.command("list")
@needs_current_schema
def list_topics() -> None:
    """Every topic: its name and slug in each language it has one in."""
    found = all_topics()
    for topic in found:
        click.echo("\t".join(f"{n.language}:{n.slug}:{n.name}" for n in topic.names))
    if not found:
        click.echo("No topic yet.")
