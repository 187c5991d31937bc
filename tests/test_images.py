"""Checking, cleaning and rendering images, without an app."""

from __future__ import annotations

from io import BytesIO

import pytest
from image_files import decompression_bomb, gif, jpeg_with_gps, png, truncated_jpeg, webp
from PIL import Image

from ist_flask.images import (
    BROKEN,
    NOT_AN_IMAGE,
    TOO_LARGE,
    TOO_MANY_PIXELS,
    ImageRefused,
    clean_upload,
    imported_original,
    make_renditions,
    rendition_widths,
)


def assert_no_metadata(data: bytes) -> None:
    with Image.open(BytesIO(data)) as image:
        assert not image.getexif()
        assert "exif" not in image.info
        assert "icc_profile" not in image.info
    assert b"Exif" not in data
    assert b"SpyCam" not in data
    assert b"GPS" not in data


def test_a_photo_loses_its_exif_and_gps_in_the_original_and_every_rendition() -> None:
    upload = jpeg_with_gps()
    with Image.open(BytesIO(upload)) as before:
        assert before.getexif().get_ifd(0x8825)  # the test file does carry a position
    original = clean_upload(upload)
    assert original.media_type == "image/jpeg"
    assert_no_metadata(original.data)
    renditions = make_renditions(original)
    assert renditions
    for rendition in renditions:
        assert_no_metadata(rendition.data)


def test_the_exif_orientation_is_applied_before_it_is_dropped() -> None:
    # Orientation 6: the camera was turned; the picture stands upright once rotated.
    original = clean_upload(jpeg_with_gps(1200, 800, orientation=6))
    assert (original.width, original.height) == (800, 1200)
    with Image.open(BytesIO(original.data)) as image:
        assert image.size == (800, 1200)


def test_png_and_webp_are_accepted_in_their_own_format() -> None:
    assert clean_upload(png()).media_type == "image/png"
    assert clean_upload(webp()).media_type == "image/webp"


def test_renditions_come_at_each_width_up_to_the_originals_in_webp_and_a_fallback() -> None:
    renditions = make_renditions(clean_upload(jpeg_with_gps(1200, 800)))
    assert [(r.width, r.height, r.media_type) for r in renditions] == [
        (480, 320, "image/webp"),
        (480, 320, "image/jpeg"),
        (960, 640, "image/webp"),
        (960, 640, "image/jpeg"),
        (1200, 800, "image/webp"),
        (1200, 800, "image/jpeg"),
    ]
    for rendition in renditions:
        with Image.open(BytesIO(rendition.data)) as image:
            assert image.size == (rendition.width, rendition.height)
            assert Image.MIME[str(image.format)] == rendition.media_type


def test_a_transparent_png_falls_back_to_png() -> None:
    types = {r.media_type for r in make_renditions(clean_upload(png()))}
    assert types == {"image/webp", "image/png"}


def test_widths_stop_at_the_largest() -> None:
    assert rendition_widths(300) == [300]
    assert rendition_widths(960) == [480, 960]
    assert rendition_widths(5000) == [480, 960, 1600]


def test_renditions_are_the_same_bytes_every_time() -> None:
    original = clean_upload(jpeg_with_gps())
    assert make_renditions(original) == make_renditions(original)


@pytest.mark.parametrize(
    ("upload", "reason"),
    [
        (gif(), NOT_AN_IMAGE),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", NOT_AN_IMAGE),
        (b"just some text, named photo.jpg", NOT_AN_IMAGE),
        (truncated_jpeg(), BROKEN),
        (decompression_bomb(), TOO_MANY_PIXELS),
        (decompression_bomb(6000, 6000), TOO_MANY_PIXELS),
    ],
)
def test_bad_files_are_refused_with_a_reason(upload: bytes, reason: str) -> None:
    with pytest.raises(ImageRefused) as refused:
        clean_upload(upload)
    assert refused.value.reason == reason


def test_a_file_over_the_limit_is_refused_unread() -> None:
    with pytest.raises(ImageRefused) as refused:
        clean_upload(jpeg_with_gps(), max_bytes=1000)
    assert refused.value.reason == TOO_LARGE


def test_an_imported_clean_original_is_kept_byte_for_byte_and_a_dirty_one_cleaned() -> None:
    clean = clean_upload(jpeg_with_gps())
    assert imported_original(clean.data) == clean
    dirty = jpeg_with_gps()
    imported = imported_original(dirty)
    assert imported.data != dirty
    assert_no_metadata(imported.data)
