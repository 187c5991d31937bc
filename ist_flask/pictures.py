"""Serving lead images: each rendition at an address named by the image's
content hash, cached for a year, and what pages need to show one (srcset)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import Blueprint, Flask, abort, g, request, url_for
from werkzeug.wrappers import Response

from .image_models import Image
from .images import EXTENSIONS, WEBP, fallback_type, rendition_height, rendition_widths
from .lead_images import rendition_file
from .models import Translation
from .urls import absolute

bp = Blueprint("images", __name__)

MEDIA_TYPES = {extension: media_type for media_type, extension in EXTENSIONS.items()}
# The address never changes what it holds: a new picture has a new hash.
IMMUTABLE = "public, max-age=31536000, immutable"
# How wide the picture is drawn: the column's width on wide screens.
SIZES = "(min-width: 48rem) 46rem, 100vw"


@bp.get("/images/<string(length=64):sha256>-<int:width>.<any(webp, jpg, png):extension>")
def rendition(sha256: str, width: int, extension: str) -> Response:
    """One rendition, found by one indexed query; 404 for anything unknown."""
    found = rendition_file(sha256, width, MEDIA_TYPES[extension])
    if found is None:
        abort(404)
    data, etag, media_type = found
    response = Response(data, mimetype=media_type)
    response.headers["Cache-Control"] = IMMUTABLE
    response.set_etag(etag)
    return response.make_conditional(request)


def rendition_path(image: Image, width: int, media_type: str) -> str:
    """The address of ``image``'s rendition: the one rule."""
    # url_for once per request, then completed: a listing asks for dozens.
    prefix: str | None = g.get("image_prefix")
    if prefix is None:
        placeholder = "0" * 64 + "-1.jpg"
        prefix = g.image_prefix = url_for(
            "images.rendition", sha256="0" * 64, width=1, extension="jpg"
        )[: -len(placeholder)]
    return f"{prefix}{image.sha256}-{width}.{EXTENSIONS[media_type]}"


@dataclass(frozen=True)
class Picture:
    """What a page says about an image: its sources in WebP and a fallback
    at every width, and the size and address of the largest fallback (what
    <img> falls back to, and what cards and feeds point to)."""

    width: int
    height: int
    webp_srcset: str
    fallback_srcset: str
    fallback_type: str
    fallback_path: str
    sizes: str = SIZES

    @property
    def url(self) -> str:
        """The largest fallback's full URL."""
        return absolute(self.fallback_path)


def picture(image: Image) -> Picture:
    """The sources of ``image`` for a <picture>, from its hash and size alone:
    no rendition is read."""
    widths = rendition_widths(image.width)
    fallback = fallback_type(image.media_type)

    def srcset(media_type: str) -> str:
        return ", ".join(f"{rendition_path(image, w, media_type)} {w}w" for w in widths)

    largest = widths[-1]
    return Picture(
        width=largest,
        height=rendition_height(image.width, image.height, largest),
        webp_srcset=srcset(WEBP),
        fallback_srcset=srcset(fallback),
        fallback_type=fallback,
        fallback_path=rendition_path(image, largest, fallback),
    )


def enclosure(image: Image) -> tuple[str, int, str]:
    """(full URL, length in bytes, media type) of ``image``'s largest fallback,
    for feeds; its renditions must be loaded (feed_queries.feed_entries)."""
    shown = picture(image)
    size = next(
        r.size
        for r in image.renditions
        if r.width == shown.width and r.media_type == shown.fallback_type
    )
    return shown.url, size, shown.fallback_type


def image_alt(
    translation: Translation, translations: Sequence[Translation] | None = None
) -> tuple[str, str]:
    """The lead image's alt text for ``translation``'s page, and its
    language: its own, or else the original language's (always given) when
    the statement's translations are at hand; or none (the image is then
    decoration beside a title that says what the entry is)."""
    if translation.image_alt:
        return translation.image_alt, translation.language
    original_language = translation.statement.original_language
    for other in translations or ():
        if other.language == original_language and other.image_alt:
            return other.image_alt, other.language
    return "", translation.language


def init_app(app: Flask) -> None:
    app.add_template_global(picture)
    app.add_template_global(image_alt)
