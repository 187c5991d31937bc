"""Image files for the tests, made with Pillow: no binary is committed."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO

from PIL import ExifTags, Image

# Where the photo was "taken": what must never reach a reader.
GPS_PLACE = {1: "N", 2: (37.0, 58.0, 12.0), 3: "E", 4: (23.0, 43.0, 30.0)}


def photo(
    width: int = 1200, height: int = 800, color: tuple[int, int, int] = (200, 30, 30)
) -> Image.Image:
    """A picture with some detail (a stripe), so that renditions differ."""
    image = Image.new("RGB", (width, height), color)
    image.paste((20, 20, 20), (0, 0, width // 3, height))
    return image


def encoded(image: Image.Image, kind: str, **options: object) -> bytes:
    out = BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def jpeg_with_gps(width: int = 1200, height: int = 800, orientation: int = 1) -> bytes:
    """A JPEG carrying EXIF with a GPS position, a camera, and an orientation."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyCam"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update(GPS_PLACE)
    return encoded(photo(width, height), "JPEG", exif=exif, quality=90)


def png(width: int = 600, height: int = 400, transparent: bool = True) -> bytes:
    image = photo(width, height).convert("RGBA")
    if transparent:
        image.putpixel((width - 1, height - 1), (0, 0, 0, 0))
    return encoded(image, "PNG")


def webp(width: int = 700, height: int = 350) -> bytes:
    return encoded(photo(width, height), "WEBP", quality=80)


def gif() -> bytes:
    return encoded(photo(64, 64), "GIF")


def truncated_jpeg() -> bytes:
    whole = encoded(photo(800, 600), "JPEG", quality=90)
    return whole[: len(whole) // 2]


def decompression_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A few hundred bytes of PNG claiming 900 million pixels."""
    small = encoded(Image.new("L", (1, 1)), "PNG")
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + header
    ihdr = struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    # Signature (8 bytes), then IHDR (25 bytes) replaced.
    return small[:8] + ihdr + small[33:]
