"""Word forms for search: the Snowball stemmers PostgreSQL uses, from PyStemmer.

PostgreSQL finds "arrest" for "arrests" because each language's text search
configuration (migration 0004) removes accents and then applies that
language's Snowball stemmer. SQLite's FTS5 has no stemmer, so the same two
steps are done here, in Python, for the text SQLite indexes (migration 0008
calls `stems` from its triggers) and for every query. No Flask here.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import cache

import Stemmer

# The Snowball stemmer of each language, as PostgreSQL's configurations name
# them (migration 0004); any other language is only folded, as "simple" does.
SNOWBALL = {
    "en": "english",
    "fr": "french",
    "es": "spanish",
    "de": "german",
    "el": "greek",
    "tr": "turkish",
    "ru": "russian",
    "ca": "catalan",
    "it": "italian",
    "pt": "portuguese",
}
WORD = re.compile(r"\w+")


# The accents PostgreSQL's unaccent removes: combining diacritics, except the
# breve of the Cyrillic "й", a letter of its own that unaccent keeps.
_ACCENT = re.compile("(?<![иИ])\u0306|[\u0300-\u0305\u0307-\u036f]")


def fold(text: str) -> str:
    """``text`` lower-cased and without accents: "García" -> "garcia"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return unicodedata.normalize("NFC", _ACCENT.sub("", decomposed))


@cache
def _stemmer(language: str) -> Stemmer.Stemmer | None:
    algorithm = SNOWBALL.get(language)
    return Stemmer.Stemmer(algorithm) if algorithm else None


# The stems of each space-separated piece of text already seen ("comrades,"
# -> "comrad"), by language: a text repeats its words, and so does a site,
# so stemming is mostly a lookup. Emptied when it grows past this.
_KNOWN_PIECES = 200_000
_known: dict[str | None, dict[str, str]] = {}
_known_lock = threading.Lock()


def stemmed_text(language: str | None, text: str | None) -> str:
    """What SQLite indexes for ``text``: the stems of its words by
    ``language``'s stemmer, space-separated and in order (so that a quoted
    phrase still finds its words side by side)."""
    # Split on spaces, then find the words in each piece: the same words as
    # one regular expression over the whole text, three times faster.
    return stemmed_pieces(language, (text or "").split())


def stemmed_pieces(language: str | None, pieces: list[str]) -> str:
    """stemmed_text of the text these space-separated pieces make, for a
    caller that has them split already (the import)."""
    with _known_lock:
        known = _known.setdefault(language, {})
        new = set(pieces).difference(known)
        if len(known) + len(new) > _KNOWN_PIECES:
            known.clear()
            new = set(pieces)
        # A piece is folded only when first seen, not each text whole:
        # most pieces are known, as they are or capitalised.
        for piece in new:
            known[piece] = " ".join(
                stem_folded(language, fold(w)) for w in WORD.findall(piece.casefold())
            )
        return " ".join(filter(None, map(known.__getitem__, pieces)))


def stems(language: str | None, text: str) -> list[str]:
    """The stems of the words of ``text``, in order."""
    return stemmed_text(language, text).split()


def stem(language: str | None, word: str) -> str:
    """The stem of one word as typed."""
    return stem_folded(language, fold(word))


def stem_folded(language: str | None, folded: str) -> str:
    """The stem of one word already folded: for loops over many words."""
    stemmer = _stemmer(language) if language else None
    return stemmer.stemWord(folded) if stemmer is not None else folded
