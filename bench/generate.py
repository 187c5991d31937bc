"""Make an import file of N statements with realistic texts in 7 languages.

Each statement has its original and up to three translations (2.5 on average),
bodies of 300 to 1,500 words in paragraphs, summaries on a third of them.
The same N and seed always give the same file.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

LANGUAGES = ["en", "fr", "es", "de", "el", "tr", "ru"]
VOCABULARY = {
    "en": "the workers of the world strike against war and austerity for democracy and solidarity with those who resist",
    "fr": "les travailleurs du monde entier en grève contre la guerre et l’austérité pour la démocratie et la solidarité",
    "es": "los trabajadores del mundo en huelga contra la guerra y la austeridad por la democracia y la solidaridad",
    "de": "die Arbeiterinnen und Arbeiter der Welt streiken gegen Krieg und Sparpolitik für Demokratie und Solidarität",
    "el": "οι εργάτες όλου του κόσμου απεργούν ενάντια στον πόλεμο και τη λιτότητα για δημοκρατία και αλληλεγγύη",
    "tr": "dünyanın işçileri savaşa ve kemer sıkmaya karşı demokrasi ve dayanışma için greve çıkıyor",
    "ru": "рабочие всего мира бастуют против войны и жёсткой экономии за демократию и солидарность",
}


def _paragraphs(rng: random.Random, words: list[str], count: int) -> str:
    text, left = [], count
    while left > 0:
        size = min(left, rng.randint(40, 120))
        text.append("<p>" + " ".join(rng.choice(words) for _ in range(size)) + ".</p>")
        left -= size
    return "".join(text)


def write_file(path: Path, count: int, seed: int = 1917) -> None:
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    words = {language: text.split() for language, text in VOCABULARY.items()}
    with path.open("w", encoding="utf-8") as out:
        out.write('{"statements": [\n')
        for n in range(count):
            languages = rng.sample(LANGUAGES, k=rng.choice([1, 2, 2, 3, 3, 4]))
            # The benchmark reads French pages and feeds: make sure there are some.
            if n % 3 == 0 and "fr" not in languages:
                languages.append("fr")
            body_words = rng.randint(300, 1500)
            translations = {
                language: {
                    "title": f"{' '.join(rng.choice(words[language]) for _ in range(6)).capitalize()} {n}",
                    "slug": f"statement-{n}-{language}",
                    "summary": (
                        " ".join(rng.choice(words[language]) for _ in range(30))
                        if n % 3 == 0
                        else None
                    ),
                    "body": _paragraphs(rng, words[language], body_words),
                }
                for language in languages
            }
            item = {
                "published": (start - timedelta(hours=n * 7)).isoformat().replace("+00:00", "Z"),
                "translations": translations,
            }
            out.write(("," if n else "") + json.dumps(item, ensure_ascii=False) + "\n")
        out.write("]}\n")
