"""The reader's pages: front pages, statements, about and the month archive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from sqlalchemy import ColumnElement
from werkzeug.wrappers import Response

from . import group_queries, groups, listings, queries, search, statement_queries
from .articles import activity_json, article, with_context
from .caching import reads_query
from .content import clean_text, is_valid_slug
from .fragments import kept_entry
from .i18n import DEFAULT_LANGUAGE, as_utc, in_zone, supported_languages
from .models import Translation
from .negotiation import ACTIVITY, representation
from .statement_pages import not_translated, statement_page
from .urls import LISTING_PLACES, cursor_value, listing_cursor, page_number, statement_path

bp = Blueprint("site", __name__)
bp.add_app_template_global(kept_entry)


@bp.app_context_processor
def _search_box() -> dict[str, int]:
    # The search boxes' maxlength: the length the search reads.
    return {"max_query_length": search.MAX_QUERY_LENGTH}


def _entries(translations: list[Translation]) -> list[dict[str, Any]]:
    return [{"translation": t, "excerpt": t.excerpt} for t in translations]


def _language_pages(endpoint: str, **values: Any) -> dict[str, str]:
    """The same page in every language, for the switcher and hreflang links."""
    return {code: url_for(endpoint, lang=code, **values) for code in supported_languages()}


@dataclass(frozen=True)
class Listing:
    """One page of a listing, and the links to its neighbours."""

    entries: list[dict[str, Any]]
    first_page: bool
    newer: str | None
    older: str | None


def read_listing(
    endpoint: str, lang: str | None, within: ColumnElement[bool] | None = None, **values: Any
) -> Listing | Response:
    """The page of ``endpoint``'s listing that ?older= or ?newer= names (none:
    the first), of the statements meeting ``within`` (None: all): the front
    pages' and the groups' one way to page, or a redirect or a 404."""
    per_page = current_app.config["ENTRIES_PER_PAGE"]
    older_than = listing_cursor("older")
    newer_than = None if older_than else listing_cursor("newer")
    placed = older_than is not None or newer_than is not None
    translations, more = listings.listing_page(
        lang, supported_languages(), per_page, older_than, newer_than, within
    )
    if placed and not translations:
        abort(404)
    if newer_than is not None and not more:
        # What is newer fits on the first page, which is where it is shown.
        return redirect(url_for(endpoint, lang=lang, **values))
    newer = older = None
    if translations:
        # A page read from a place always has newer entries (at least the
        # place's own); one read towards newer ones always has older ones.
        if placed:
            newer = _listing_link(endpoint, lang, "newer", translations[0], **values)
        if more or newer_than is not None:
            older = _listing_link(endpoint, lang, "older", translations[-1], **values)
    return Listing(_entries(translations), not placed, newer, older)


@bp.get("/", defaults={"lang": None})
@bp.get("/<lang:lang>/")
@reads_query("page", *LISTING_PLACES, "fm", "fy")
def index(lang: str | None) -> str | Response:
    if lang is None and "fm" in request.args and "fy" in request.args:
        return _old_archive_redirect()
    if "page" in request.args:
        return _numbered_page_redirect(
            lang, supported_languages(), current_app.config["ENTRIES_PER_PAGE"]
        )
    listing = read_listing("site.index", lang)
    if isinstance(listing, Response):
        return listing
    language_pages = _language_pages("site.index")
    return render_template(
        "index.html",
        lang=lang,
        entries=listing.entries,
        first_page=listing.first_page,
        newer=listing.newer,
        older=listing.older,
        language_pages=language_pages,
        hreflang_pages=language_pages if lang else None,
        x_default=url_for("site.index", lang=None),
    )


def _listing_link(
    endpoint: str, lang: str | None, direction: str, entry: Translation, **values: Any
) -> str:
    """The listing's page older or newer than ``entry``."""
    place: dict[str, Any] = {direction: cursor_value(listings.Cursor.of(entry))}
    return url_for(endpoint, lang=lang, **values, **place)


def _numbered_page_redirect(lang: str | None, languages: list[str], per_page: int) -> Response:
    """?page=N, the listing's links before they named a place: on to where
    that page starts now, or a 404 past the end."""
    page = page_number()
    if page == 1:
        return redirect(url_for("site.index", lang=lang))
    around = listings.entries_at(lang, languages, (page - 1) * per_page - 1, 2)
    if len(around) < 2:
        abort(404)
    return redirect(_listing_link("site.index", lang, "older", around[0]))


def _old_archive_redirect() -> Response:
    """The old site's /?fm=07&fy=2021 lives on as a permanent redirect."""
    month, year = request.args["fm"], request.args["fy"]
    if not (month.isdecimal() and year.isdecimal() and 1 <= int(month) <= 12):
        abort(404)
    if not 1 <= int(year) <= 9999:
        abort(404)
    return redirect(url_for("site.archive_month", year=int(year), month=int(month)), 301)


@bp.get("/<lang:lang>/statements/<slug>")
def statement(lang: str, slug: str) -> str | Response | tuple[str, int]:
    if not is_valid_slug(slug):
        abort(404)  # every stored slug has this shape: no need to ask the database
    translation = statement_queries.translation_by_slug(lang, slug)
    if translation is None:
        renamed = statement_queries.renamed_translation(lang, slug)
        if renamed is None:
            return not_translated(lang, slug)
        # An edited slug leaves the old address working for links already out there.
        return redirect(statement_path(lang, renamed.slug), 301)
    if current_app.config["ACTIVITYPUB"]:
        # The same address answers servers of the fediverse (negotiation.py).
        if representation(request.headers.get("Accept")) == ACTIVITY:
            response = activity_json(with_context(article(translation)))
        else:
            response = current_app.response_class(statement_page(lang, translation))
        response.vary.add("Accept")
        return response
    return statement_page(lang, translation)


@bp.get("/about", defaults={"lang": None})
@bp.get("/<lang:lang>/about")
def about(lang: str | None) -> str:
    return render_template(
        "about.html",
        lang=lang,
        organisations=group_queries.all_organisations(),
        language_pages=_language_pages("site.about"),
        hreflang_pages=_language_pages("site.about") if lang else None,
        x_default=url_for("site.about", lang=None),
    )


@bp.get("/archive", defaults={"lang": None})
@bp.get("/<lang:lang>/archive")
def archive(lang: str | None) -> str:
    zone = current_app.config["TIMEZONE"]
    local = [in_zone(moment, zone) for moment in queries.publication_times()]
    months = [
        (year, month, len(list(group)))
        for (year, month), group in groupby(local, key=lambda m: (m.year, m.month))
    ]
    return render_template(
        "archive.html",
        lang=lang,
        months=months,
        language_pages=_language_pages("site.archive"),
    )


@bp.get("/archive/<int(fixed_digits=4):year>/<int(fixed_digits=2):month>", defaults={"lang": None})
@bp.get("/<lang:lang>/archive/<int(fixed_digits=4):year>/<int(fixed_digits=2):month>")
def archive_month(lang: str | None, year: int, month: int) -> str:
    if not (1 <= year <= 9998 and 1 <= month <= 12):
        abort(404)
    # Months between the first and the last statement exist, empty or not;
    # the others are no page at all, not an endless calendar of empty ones.
    span = queries.publication_span()
    if span is None:
        abort(404)
    first, last = (in_zone(moment, current_app.config["TIMEZONE"]) for moment in span)
    if not (first.year, first.month) <= (year, month) <= (last.year, last.month):
        abort(404)
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    translations = listings.month_entries(lang, supported_languages(), as_utc(start), as_utc(end))
    return render_template(
        "archive_month.html",
        lang=lang,
        month_start=start,
        entries=_entries(translations),
        language_pages=_language_pages("site.archive_month", year=year, month=month),
    )


@bp.get("/search", defaults={"lang": None})
@bp.get("/<lang:lang>/search")
@reads_query("q", "page", "topic")
def search_page(lang: str | None) -> str | tuple[str, int]:
    """Search results; an empty or wordless query gets a friendly page, not
    an error, and so does an unknown topic (?topic=<slug>), with a 404."""
    query = clean_text(request.args.get("q", "")[: search.MAX_QUERY_LENGTH])
    terms = search.search_terms(query)
    page = page_number()
    per_page = current_app.config["ENTRIES_PER_PAGE"]
    topic_slug = request.args.get("topic", "").strip() or None
    topic = None
    if topic_slug is not None:
        found = (
            groups.group_at("topic", lang or DEFAULT_LANGUAGE, topic_slug)
            if is_valid_slug(topic_slug)
            else None
        )
        topic = found[0] if found else None
    within = groups.statements_of("topic", topic) if topic is not None else None
    hits, total = (
        ([], 0)
        if topic_slug and topic is None
        else search.search(terms, lang, supported_languages(), page, per_page, within)
    )
    if page > 1 and not hits:
        abort(404)

    def results(**values: Any) -> str:
        return url_for("site.search_page", q=query or None, topic=topic_slug, **values)

    page_html = render_template(
        "search.html",
        lang=lang,
        query=query,
        terms=terms,
        hits=hits,
        total=total,
        page=page,
        topic=topic,
        topic_slug=topic_slug,
        topics=group_queries.all_topics(),
        newer=results(lang=lang, page=page - 1) if page > 1 else None,
        older=results(lang=lang, page=page + 1) if page * per_page < total else None,
        language_pages={code: results(lang=code) for code in supported_languages()},
    )
    if topic_slug and topic is None:
        return page_html, 404
    return page_html
