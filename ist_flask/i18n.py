"""Languages: which are supported, which one a request gets, and how dates read in each."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from babel import Locale, negotiate_locale
from babel.dates import format_date
from flask import Flask, Response, current_app, g, has_request_context, request
from flask_babel import get_locale, get_translations
from jinja2 import pass_context
from jinja2.ext import _make_new_gettext, _make_new_ngettext
from jinja2.runtime import Context
from werkzeug.datastructures import LanguageAccept
from werkzeug.routing import BaseConverter

# The one list of supported languages, in the order the site shows them.
# Adding a language: one line here (or IST_LANGUAGES) and one catalog in translations/.
DEFAULT_LANGUAGES = ["en", "fr", "es", "de", "el", "tr", "ru", "ar"]
DEFAULT_LANGUAGE = "en"

_ENGLISH_ORDINAL_SUFFIX = {"one": "st", "two": "nd", "few": "rd", "other": "th"}


def supported_languages() -> list[str]:
    """The configured language codes, in display order."""
    return list(current_app.config["LANGUAGES"])


def is_supported(language: str) -> bool:
    return language in current_app.config["LANGUAGES"]


# Pure functions of their arguments that CLDR answers slowly, asked for every
# entry of every page: each answer is kept (a few per language and date).
@cache
def language_name(language: str) -> str:
    """The language named in itself, capitalised as a menu item: "Français"."""
    name = Locale.parse(language).get_display_name(language) or language
    return name[:1].upper() + name[1:]


@cache
def country_name(code: str, language: str) -> str:
    """An ISO 3166-1 alpha-2 country named in ``language``: ("DE", "fr") -> "Allemagne".
    A code CLDR does not know is shown as it is."""
    return str(Locale.parse(language).territories.get(code.upper(), code.upper()))


@cache
def text_direction(language: str) -> str:
    """ "rtl" or "ltr", from the language's character order in CLDR."""
    return "rtl" if Locale.parse(language).character_order == "right-to-left" else "ltr"


@lru_cache(maxsize=8192)
def date_words(day: date, language: str) -> str:
    """A date as a reader of ``language`` writes it in full.

    English follows the seed, "Tuesday 13th July 2021": Babel has no English
    ordinals, so the suffix comes from the ordinal plural form.
    """
    if language == "en":
        form = Locale.parse("en").ordinal_form(day.day)
        weekday = format_date(day, "EEEE", locale="en")
        month_year = format_date(day, "MMMM y", locale="en")
        return f"{weekday} {day.day}{_ENGLISH_ORDINAL_SUFFIX[form]} {month_year}"
    return format_date(day, "full", locale=language)


def month_words(year: int, month: int, language: str) -> str:
    """A month as a heading in ``language``: "July 2021", "Juillet 2021"."""
    words = format_date(date(year, month, 1), "LLLL y", locale=language)
    return words[:1].upper() + words[1:]


def in_zone(moment: datetime, timezone: str) -> datetime:
    """``moment`` in the site's time zone. At the calendar's very ends (a
    statement dated 0001-01-01 under Europe/London would fall in year 0),
    where Python has no date for it, ``moment`` as it is."""
    try:
        return moment.astimezone(ZoneInfo(timezone))
    except OverflowError:
        return moment


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC, or the calendar's first or last instant where the
    conversion would leave it."""
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        edge = datetime.min if moment.year == 1 else datetime.max
        return edge.replace(tzinfo=UTC)


def local_date(moment: datetime, timezone: str) -> date:
    """The calendar date of ``moment`` in the site's time zone."""
    return in_zone(moment, timezone).date()


def select_locale() -> str:
    """The interface language of the current request.

    A language in the URL wins; otherwise the Accept-Language header, through
    Babel's negotiation; English by default. Outside a request (CLI), English.
    """
    if not has_request_context():
        return DEFAULT_LANGUAGE
    language = (request.view_args or {}).get("lang")
    if isinstance(language, str) and is_supported(language):
        return language
    return _negotiated_language()


def negotiated_language(accepted: LanguageAccept, languages: list[str]) -> str:
    """The supported language a reader's Accept-Language asks for first; English
    by default. (cache_front.py asks too, before Flask: the one rule.)"""
    preferred = [value for value, _quality in accepted]
    return negotiate_locale(preferred, languages, sep="-") or DEFAULT_LANGUAGE


def _negotiated_language() -> str:
    # The answer now depends on a request header, which caches must know.
    g.language_negotiated = True
    return negotiated_language(request.accept_languages, supported_languages())


def _language_converter(languages: list[str]) -> type[BaseConverter]:
    """A URL converter matching only the supported language codes, so that any
    other first path segment is simply not a route: a 404 like any unknown URL."""
    pattern = "|".join(re.escape(code) for code in sorted(languages, key=len, reverse=True))
    return type("LanguageConverter", (BaseConverter,), {"regex": f"(?:{pattern})"})


def _vary_on_negotiation(response: Response) -> Response:
    if g.get("language_negotiated"):
        response.vary.add("Accept-Language")
    return response


def page_language() -> str:
    """The language the current page's interface is written in."""
    return str(get_locale() or DEFAULT_LANGUAGE)


# The filters read the page's language and zone from the template's context,
# where _template_globals put them once: a listing asks for dozens of dates.
@pass_context
def _date_filter(context: Context, moment: datetime) -> str:
    return date_words(local_date(moment, context["time_zone"]), context["page_language"])


@pass_context
def _iso_date_filter(context: Context, moment: datetime) -> str:
    return local_date(moment, context["time_zone"]).isoformat()


def _template_globals() -> dict[str, object]:
    language = page_language()
    # The page's catalog, looked up once: Flask-Babel's own template gettext
    # finds it again through the request for each of a page's few dozen
    # words. Jinja's newstyle wrappers, as Flask-Babel installs them.
    translations = get_translations()
    return {
        "_": _make_new_gettext(translations.ugettext),
        "gettext": _make_new_gettext(translations.ugettext),
        "ngettext": _make_new_ngettext(translations.ungettext),
        "page_language": language,
        "time_zone": current_app.config["TIMEZONE"],
        "page_direction": text_direction(language),
        "language_name": language_name,
        "text_direction": text_direction,
        "month_words": lambda year, month: month_words(year, month, language),
        "country_name": lambda code: country_name(code, language),
    }


def init_app(app: Flask) -> None:
    app.url_map.converters["lang"] = _language_converter(app.config["LANGUAGES"])
    app.after_request(_vary_on_negotiation)
    app.add_template_filter(_date_filter, "date_words")
    app.add_template_filter(_iso_date_filter, "iso_date")
    app.context_processor(_template_globals)
