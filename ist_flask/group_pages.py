"""The pages of topics and signatories: /<lang>/topics/<slug> and
/<lang>/organisations/<slug>, each a listing of its statements with feeds.
One view serves both kinds (groups.py); the routes join the site's blueprint,
whose pages are cached."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from werkzeug.wrappers import Response

from . import groups
from .caching import reads_query
from .i18n import supported_languages
from .site import bp, read_listing
from .urls import LISTING_PLACES

# A kind's pages live under its plural: /en/topics/…, /en/organisations/….
PATHS = {"topic": "topics", "organisation": "organisations"}


@reads_query(*LISTING_PLACES)
def group_page(lang: str, slug: str, kind: str) -> str | Response:
    """The statements of one topic or one organisation, newest first."""
    group, own_slug = groups.group_or_404(kind, lang, slug)
    endpoint = f"site.{kind}"
    if own_slug != slug:
        # Its address in another language: on to its page in this one.
        return redirect(url_for(endpoint, lang=lang, slug=own_slug), 301)
    listing = read_listing(endpoint, lang, groups.statements_of(kind, group), slug=slug)
    if isinstance(listing, Response):
        return listing
    language_pages = {
        code: url_for(endpoint, lang=code, slug=group.slug_in(code))
        for code in supported_languages()
    }
    return render_template(
        "group.html",
        lang=lang,
        kind=kind,
        group=group,
        name=group.name_in(lang),
        slug=slug,
        listing=listing,
        newer=listing.newer,
        older=listing.older,
        language_pages=language_pages,
        hreflang_pages=language_pages,
        x_default=language_pages[supported_languages()[0]],
    )


for _kind, _path in PATHS.items():
    bp.add_url_rule(
        f"/<lang:lang>/{_path}/<slug>",
        endpoint=_kind,
        view_func=group_page,
        defaults={"kind": _kind},
        methods=["GET"],
    )
