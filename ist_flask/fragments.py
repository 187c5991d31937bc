"""Listing entries rendered once and kept, by everything they show.

A change to any statement empties the page cache (caching.py), and the
pages rendered again then are mostly the entries they were before: an entry
is about a quarter of what a listing costs to render. An entry's HTML
depends only on the values of its key (entry_key): its translation's
language, address, title and image alt text, the excerpt shown, its
statement's time and lead image, and the page's language, section and kind.
So a kept entry is never stale: any change to what it shows is a new key.
Bounded in bytes, least recently used out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from .models import Translation
from .urls import statement_path

# Bytes of entries each process keeps: about 5,000 entries of 1.5 KB with
# their keys, the front pages of every language many times over.
MAX_BYTES = 8 * 1024 * 1024
# The objects around an entry (its tuple key, the dictionary slot), roughly.
ENTRY_OVERHEAD = 400


class Fragments:
    """Rendered entries by key, least recently used first out."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[Markup, int]] = OrderedDict()
        self.size = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Markup | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, html: Markup, size: int) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._entries[key] = (html, size)
            self.size += size
            while self.size > self.max_bytes:
                _key, (_html, dropped) = self._entries.popitem(last=False)
                self.size -= dropped

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size = 0


FRAGMENTS = Fragments()


def entry_key(context: Context, t: Translation, excerpt: str, kind: str | None) -> tuple[Any, ...]:
    """Everything a listing entry (_entry.html) shows or depends on."""
    statement = t.statement
    image = statement.lead_image
    picture = (image.sha256, image.media_type, image.width, image.height) if image else None
    return (
        context["page_language"],
        context.get("lang"),
        context["time_zone"],
        kind,
        str(excerpt),
        t.language,
        statement_path(t.language, t.slug),
        t.title,
        t.image_alt,
        statement.published_at,
        picture,
    )


@pass_context
def kept_entry(
    context: Context,
    render: Callable[..., Markup],
    t: Translation,
    excerpt: str,
    kind: str | None = None,
) -> Markup:
    """_entry.html's ``entry`` macro (``render``) for ``t``, kept by its key."""
    key = entry_key(context, t, excerpt, kind)
    html = FRAGMENTS.get(key)
    if html is None:
        html = Markup(render(t, excerpt, kind))
        size = len(html) + sum(len(str(part)) for part in key) + ENTRY_OVERHEAD
        FRAGMENTS.put(key, html, size)
    return html
