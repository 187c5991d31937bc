"""Storing lead images: a cleaned original and its renditions, once per
content (by SHA-256), and forgetting uploads no statement took."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from .extensions import db
from .image_models import Image, Rendition, StatementImage
from .images import CleanImage, make_renditions

# How long an upload may wait for a statement to take it (a maintainer
# previewing, or correcting another field) before it is removed.
UNCLAIMED_FOR = timedelta(days=1)


def stored_image(original: CleanImage) -> Image:
    """The image holding ``original``: the one stored already, or a new one
    with its renditions, added to the session (not committed)."""
    existing = image_by_hash(original.sha256)
    if existing is not None:
        return existing
    image = Image(
        sha256=original.sha256,
        media_type=original.media_type,
        width=original.width,
        height=original.height,
        data=original.data,
        created_at=datetime.now(UTC),
        renditions=[
            Rendition(
                width=made.width,
                height=made.height,
                media_type=made.media_type,
                sha256=made.sha256,
                size=len(made.data),
                data=made.data,
            )
            for made in make_renditions(original)
        ],
    )
    db.session.add(image)
    return image


def image_by_hash(sha256: str) -> Image | None:
    return db.session.execute(select(Image).where(Image.sha256 == sha256)).scalar_one_or_none()


def forget_unclaimed_images(now: datetime | None = None) -> int:
    """Remove images that no statement shows and that were uploaded more than
    UNCLAIMED_FOR ago (their renditions go with them); how many went."""
    cutoff = (now or datetime.now(UTC)) - UNCLAIMED_FOR
    claimed = select(StatementImage.image_id)
    result = db.session.execute(
        delete(Image)
        .where(Image.id.not_in(claimed), Image.created_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def rendition_file(sha256: str, width: int, media_type: str) -> tuple[bytes, str, str] | None:
    """(bytes, their SHA-256, media type) of one rendition of the image with
    ``sha256``: one query on two unique indexes."""
    query = (
        select(Rendition.data, Rendition.sha256, Rendition.media_type)
        .join(Image, Image.id == Rendition.image_id)
        .where(Image.sha256 == sha256, Rendition.width == width, Rendition.media_type == media_type)
    )
    row = db.session.execute(query).first()
    return (row[0], row[1], row[2]) if row is not None else None
