"""newsboat, a feed reader from Debian, subscribes to the real server's feeds:
every item opens the statement in the item's own language."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from servers import running_site

# The demo statements' titles and the language each is written in.
TITLES = {
    "Release Frank García Hernández And His Comrades": "en",
    "Libérez Frank García Hernández et ses camarades": "fr",
    "Liberar a Frank García Hernández y a sus compañeros": "es",
    "Joint statement by revolutionary socialists in Turkey and Russia on the situation in Karabakh": "en",
}
FEEDS = ["/feed.atom", "/feed.rss", "/en/feed.atom", "/fr/feed.rss", "/es/feed.atom"]


@pytest.mark.slow
def test_newsboat_opens_every_item_in_its_own_language(tmp_path: Path, database_uri: str) -> None:
    newsboat = shutil.which("newsboat")
    assert newsboat, "newsboat is missing: run `bash tests/run.sh`, which installs it"
    with running_site(tmp_path, database_uri, "--no-access-log") as site:
        for number, path in enumerate(FEEDS):
            # One subscription each: newsboat keeps an item once, under the
            # first feed that had it, and the feeds share their entries.
            urls, cache = tmp_path / f"urls-{number}", tmp_path / f"cache-{number}.db"
            urls.write_text(f"{site}{path}\n")
            subprocess.run(
                [newsboat, "-u", str(urls), "-c", str(cache), "-C", "/dev/null", "-x", "reload"],
                check=True, capture_output=True, timeout=120,
                env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "TERM": "dumb"},
            )  # fmt: skip
            with sqlite3.connect(cache) as connection:
                items = connection.execute("SELECT title, url FROM rss_item").fetchall()
            assert items, path
            for title, url in items:
                assert title in TITLES, (path, title)
                assert urlsplit(url).path.startswith(f"/{TITLES[title]}/statements/"), (path, url)
