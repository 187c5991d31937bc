"""/preview/<token>/<lang>: a draft or scheduled statement exactly as readers
will see it, for whoever holds the link (preview_links.py), and for no one
else: never indexed, never kept by this site's cache, nginx or a browser."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, redirect, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import Gone
from werkzeug.wrappers import Response

from .i18n import in_zone, supported_languages
from .models import PUBLISHED, Statement, Translation
from .preview_links import PreviewEnded, PreviewUnknown, is_previewable, live_link
from .preview_models import PreviewLink
from .statement_pages import render_statement
from .urls import statement_path

# Not in caching.CACHED_BLUEPRINTS: this site's page cache never keeps a preview.
bp = Blueprint("previews", __name__, url_prefix="/preview")


class PreviewGone(Gone):
    explanation = _l(
        "This preview link has expired or was revoked. Ask the editor who shared it for a new one."
    )


@bp.after_request
def private(response: Response) -> Response:
    # Error pages too: a refused token is nobody's business either.
    response.cache_control.no_store = True
    response.cache_control.private = True
    response.headers["X-Robots-Tag"] = "noindex"
    # The token is the key: it must not leave in a Referer to another site.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _link(token: str) -> PreviewLink:
    try:
        return live_link(token, datetime.now(UTC))
    except PreviewUnknown:
        abort(404)
    except PreviewEnded:
        raise PreviewGone() from None


@bp.get("/<token>")
def preview(token: str) -> Response:
    """The statement in its original language."""
    link = _link(token)
    original = link.statement.original_translation
    return redirect(url_for("previews.translation", token=token, lang=original.language))


@bp.get("/<token>/<lang:lang>")
def translation(token: str, lang: str) -> str | Response:
    link = _link(token)
    statement = link.statement
    shown = statement.translation(lang)
    if shown is None:
        abort(404)
    now = datetime.now(UTC)
    if not is_previewable(statement, now):
        # Published since the link was made: readers' own page says it all.
        return redirect(statement_path(lang, shown.slug))
    # A language no longer configured has no address, not even a preview.
    languages = supported_languages()
    translations = [t for t in statement.translations_in(languages) if t.language in languages]

    def preview_path(other: Translation) -> str:
        return url_for("previews.translation", token=token, lang=other.language)

    return render_statement(
        lang,
        shown,
        translations,
        # The language switcher offers only the languages it has, each previewed.
        {t.language: preview_path(t) for t in translations},
        preview_path,
        preview=_banner(statement, link),
    )


def _banner(statement: Statement, link: PreviewLink) -> dict[str, object]:
    """What the preview banner says: when the statement is due (a scheduled
    one), and until when the link works, in the site's time zone."""
    zone = current_app.config["TIMEZONE"]
    return {
        "scheduled": statement.status == PUBLISHED,
        "due": statement.published_at,
        "due_time": in_zone(statement.published_at, zone).strftime("%H:%M"),
        "expires": link.expires_at,
        "zone": zone,
    }
