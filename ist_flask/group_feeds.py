"""A topic's or a signatory's feeds in each language:
/<lang>/topics/<slug>/feed.atom, .rss and .json (and the same under
/organisations/). They are the language's feeds narrowed to the group, built,
validated and cached as every other feed (feeds.py)."""

from __future__ import annotations

from flask import redirect, url_for
from werkzeug.wrappers import Response

from . import groups
from .feed_links import ATOM_TYPE, JSON_FEED_TYPE, RSS_TYPE, GroupFeed
from .feeds import bp, feed_bytes, feed_response
from .group_pages import PATHS
from .json_feed import build_json_feed


def _group_feed(kind: str, lang: str, slug: str, endpoint: str) -> GroupFeed | Response:
    group, own_slug = groups.group_or_404(kind, lang, slug)
    if own_slug != slug:
        return redirect(url_for(f"feeds.{kind}_{endpoint}", lang=lang, slug=own_slug), 301)
    return GroupFeed(kind, slug, group.name_in(lang), groups.statements_of(kind, group))


def group_atom(lang: str, slug: str, kind: str) -> Response:
    group = _group_feed(kind, lang, slug, "atom")
    if isinstance(group, Response):
        return group
    return feed_response(*feed_bytes(lang, "atom", group), ATOM_TYPE)


def group_rss(lang: str, slug: str, kind: str) -> Response:
    group = _group_feed(kind, lang, slug, "rss")
    if isinstance(group, Response):
        return group
    return feed_response(*feed_bytes(lang, "rss", group), RSS_TYPE)


def group_json_feed(lang: str, slug: str, kind: str) -> Response:
    group = _group_feed(kind, lang, slug, "json_feed")
    if isinstance(group, Response):
        return group
    return feed_response(*build_json_feed(lang, group), JSON_FEED_TYPE)


for _kind, _path in PATHS.items():
    for _suffix, _endpoint, _view in (
        ("atom", "atom", group_atom),
        ("rss", "rss", group_rss),
        ("json", "json_feed", group_json_feed),
    ):
        bp.add_url_rule(
            f"/<lang:lang>/{_path}/<slug>/feed.{_suffix}",
            endpoint=f"{_kind}_{_endpoint}",
            view_func=_view,
            defaults={"kind": _kind},
            methods=["GET"],
        )
