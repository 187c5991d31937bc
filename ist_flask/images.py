"""Lead images: checking an upload, cleaning it of every piece of metadata,
and making the renditions pages serve. Pure: no Flask, no database.

Activists' photos must never tell where or when they were taken, nor with
what: the cleaned original is made from the decoded pixels alone (after the
EXIF orientation is applied), so no EXIF, GPS, XMP, ICC profile or comment
of the upload can survive into anything the site stores or serves.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

# What Pillow may open, with the media type each is served as. GIF, SVG and
# everything else are refused before any pixel is decoded.
MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}

# The largest upload, in bytes (the IST_IMAGE_MAX_BYTES setting's default).
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# The most pixels an image may have: checked from its header, before it is
# decoded, so a small file that unpacks into gigabytes (a decompression bomb)
# costs nothing. 25 megapixels take 100 MB decoded, the most one request may.
MAX_PIXELS = 25_000_000

# The longest alt text, caption and credit (characters), per language.
ALT_MAX_LENGTH = 500
CAPTION_MAX_LENGTH = 1000
CREDIT_MAX_LENGTH = 300

# The widths renditions are made at, capped at the original's own width.
RENDITION_WIDTHS = (480, 960, 1600)
WEBP = "image/webp"
# Encoder settings: fixed, so the same original always gives the same bytes.
_JPEG = {"quality": 88, "optimize": True}
_RENDITION_JPEG = {"quality": 82, "optimize": True, "progressive": True}
_WEBP = {"quality": 88, "method": 4}
_RENDITION_WEBP = {"quality": 80, "method": 4}
_PNG = {"optimize": True}


class ImageRefused(ValueError):
    """An upload the site will not take; ``reason`` says why, as one of
    TOO_LARGE, TOO_MANY_PIXELS, NOT_AN_IMAGE, BROKEN."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


TOO_LARGE = "too-large"
TOO_MANY_PIXELS = "too-many-pixels"
NOT_AN_IMAGE = "not-an-image"
BROKEN = "broken"


@dataclass(frozen=True)
class CleanImage:
    """An original without metadata: what is stored, exported and rendered from."""

    data: bytes
    media_type: str
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class RenditionFile:
    """One served size of an image in one format."""

    width: int
    height: int
    media_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _opened(raw: bytes, max_bytes: int) -> Image.Image:
    """The upload decoded, or ImageRefused: too large, not an accepted
    format, too many pixels, or broken (truncated, corrupt)."""
    if len(raw) > max_bytes:
        raise ImageRefused(TOO_LARGE)
    try:
        with warnings.catch_warnings():
            # Pillow's own guard warns past 89 megapixels and raises past
            # twice that: either way, too many.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(raw), formats=list(MEDIA_TYPES))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageRefused(TOO_MANY_PIXELS) from None
    except UnidentifiedImageError:
        raise ImageRefused(NOT_AN_IMAGE) from None
    except (OSError, ValueError, SyntaxError):
        raise ImageRefused(BROKEN) from None
    if image.width * image.height > MAX_PIXELS:
        raise ImageRefused(TOO_MANY_PIXELS)
    try:
        image.load()
    except (OSError, ValueError, SyntaxError, EOFError):
        raise ImageRefused(BROKEN) from None
    return image


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info
    )


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image holding nothing but the pixels (turned upright), in RGB or RGBA."""
    upright = ImageOps.exif_transpose(image)
    mode = "RGBA" if _has_alpha(upright) else "RGB"
    converted = upright.convert(mode)
    # frombytes starts from nothing: no info, no EXIF, no ICC profile.
    return Image.frombytes(mode, converted.size, converted.tobytes())


def _encoded(image: Image.Image, media_type: str, rendition: bool = False) -> bytes:
    out = BytesIO()
    if media_type == "image/jpeg":
        if image.mode != "RGB":
            image = _on_white(image)
        image.save(out, "JPEG", **(_RENDITION_JPEG if rendition else _JPEG))
    elif media_type == "image/png":
        image.save(out, "PNG", **_PNG)
    else:
        image.save(out, "WEBP", **(_RENDITION_WEBP if rendition else _WEBP))
    return out.getvalue()


def _on_white(image: Image.Image) -> Image.Image:
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A"))
    return background


def clean_upload(raw: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> CleanImage:
    """The upload as a cleaned original: checked, turned upright by its EXIF
    orientation, then encoded again from its pixels alone in its own format.
    Raises ImageRefused."""
    with _opened(raw, max_bytes) as image:
        media_type = MEDIA_TYPES[str(image.format)]
        clean = _pixels_only(image)
    return CleanImage(_encoded(clean, media_type), media_type, clean.width, clean.height)


def carries_metadata(image: Image.Image) -> bool:
    """Whether a decoded image holds anything besides its pixels."""
    if image.getexif():
        return True
    # Pillow leaves format details (JFIF density, progressive flags) in info,
    # which are no one's secret; anything else is metadata.
    harmless = {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi", "progressive"}
    harmless |= {"progression", "loop", "duration", "background", "transparency", "gamma"}
    return bool(set(image.info) - harmless) or bool(getattr(image, "text", None))


def imported_original(raw: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> CleanImage:
    """An original from an import file: kept byte for byte when it is already
    clean (the export of a site gives back what it stored), cleaned like an
    upload otherwise. Raises ImageRefused."""
    with _opened(raw, max_bytes) as image:
        media_type = MEDIA_TYPES[str(image.format)]
        if carries_metadata(image):
            return clean_upload(raw, max_bytes)
        return CleanImage(raw, media_type, image.width, image.height)


def rendition_widths(width: int) -> list[int]:
    """The widths an image of ``width`` pixels is served at, narrowest first:
    each standard width below it, and its own width up to the largest."""
    largest = min(width, RENDITION_WIDTHS[-1])
    return [*(w for w in RENDITION_WIDTHS if w < largest), largest]


def rendition_height(width: int, height: int, target_width: int) -> int:
    """The height of the rendition ``target_width`` wide, proportions kept."""
    return max(1, round(height * target_width / width))


def fallback_type(media_type: str) -> str:
    """The format served beside WebP to browsers without it: PNG for PNG
    originals (which may be transparent), JPEG for the others."""
    return "image/png" if media_type == "image/png" else "image/jpeg"


def make_renditions(original: CleanImage) -> list[RenditionFile]:
    """Every rendition of a cleaned original, WebP and fallback at each width;
    the same original always gives the same bytes."""
    renditions = []
    with Image.open(BytesIO(original.data), formats=list(MEDIA_TYPES)) as opened:
        image = _pixels_only(opened)
    for width in rendition_widths(original.width):
        size = (width, rendition_height(original.width, original.height, width))
        resized = image if size == image.size else image.resize(size, Image.Resampling.LANCZOS)
        for media_type in (WEBP, fallback_type(original.media_type)):
            data = _encoded(resized, media_type, rendition=True)
            renditions.append(RenditionFile(size[0], size[1], media_type, data))
    return renditions
