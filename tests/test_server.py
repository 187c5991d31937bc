"""The real thing: `python wsgi.py` under waitress, fetched over HTTP."""

from __future__ import annotations

import urllib.request
from pathlib import Path

from servers import running_site


def test_waitress_serves_the_seed_front_page_from_a_fresh_database(tmp_path: Path) -> None:
    with running_site(tmp_path, "--threads", "2") as site:
        with urllib.request.urlopen(site + "/", timeout=5) as response:
            assert response.status == 200
            html = response.read().decode("utf-8")
        assert "Socialism From Below" in html
        assert "Release Frank García Hernández And His Comrades" in html
        assert "Tuesday 13th July 2021" in html
        statement = site + "/en/statements/release-frank-garcia-hernandez-and-his-comrades"
        with urllib.request.urlopen(statement, timeout=5) as response:
            assert "democratic rights of" in response.read().decode("utf-8")


def test_no_demo_serves_an_empty_site(tmp_path: Path) -> None:
    with running_site(tmp_path, "--no-demo") as site:
        with urllib.request.urlopen(site + "/", timeout=5) as response:
            html = response.read().decode("utf-8")
        assert "Release Frank" not in html
        assert "No statements have been published" in html
