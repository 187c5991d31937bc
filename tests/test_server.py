"""The real thing: `python wsgi.py` under waitress, fetched over HTTP."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from servers import ROOT, flask_command, free_port, running_site, site_environment

# Slow: the real server. `pytest -m "not slow"` leaves it out of the quick loop.
pytestmark = pytest.mark.slow


def test_waitress_serves_the_seed_front_page_from_a_fresh_database(
    tmp_path: Path, database_uri: str
) -> None:
    with running_site(tmp_path, database_uri, "--threads", "2") as site:
        with urllib.request.urlopen(site + "/", timeout=5) as response:
            assert response.status == 200
            html = response.read().decode("utf-8")
        assert "Socialism From Below" in html
        assert "Release Frank García Hernández And His Comrades" in html
        assert "Tuesday 13th July 2021" in html
        statement = site + "/en/statements/release-frank-garcia-hernandez-and-his-comrades"
        with urllib.request.urlopen(statement, timeout=5) as response:
            assert "democratic rights of" in response.read().decode("utf-8")


def test_no_demo_serves_an_empty_site(tmp_path: Path, database_uri: str) -> None:
    with running_site(tmp_path, database_uri, "--no-demo") as site:
        with urllib.request.urlopen(site + "/", timeout=5) as response:
            html = response.read().decode("utf-8")
        assert "Release Frank" not in html
        assert "No statements have been published" in html


def fetch(url: str, headers: dict[str, str] | None = None) -> str:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.read().decode("utf-8")


FORWARDED = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "ist.example.org",
    "X-Forwarded-For": "203.0.113.9",
}


def test_behind_a_trusted_proxy_urls_come_out_right(tmp_path: Path, database_uri: str) -> None:
    with running_site(
        tmp_path, database_uri, "--trusted-proxy", "127.0.0.1", "--connection-limit", "20"
    ) as site:
        html = fetch(site + "/fr/", FORWARDED)
        assert '<link rel="canonical" href="https://ist.example.org/fr/">' in html
        feed = fetch(site + "/fr/feed.atom", FORWARDED)
        assert (
            "https://ist.example.org/fr/statements/liberez-frank-garcia-hernandez-et-ses-camarades"
            in feed
        )
        lines = access_lines(tmp_path / "server.log", 3)
    assert any('203.0.113.9 "GET /fr/ HTTP/1.1" 200' in line for line in lines)


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(
    tmp_path: Path, database_uri: str
) -> None:
    with running_site(tmp_path, database_uri) as site:
        html = fetch(site + "/fr/", FORWARDED)
        assert f'<link rel="canonical" href="{site}/fr/">' in html


def access_lines(log: Path, wanted: int) -> list[str]:
    """The access log's lines, once ``wanted`` of them are written (a line is
    written just after its response is sent, so give it a moment)."""
    deadline = time.monotonic() + 5
    while True:
        lines = [line for line in log.read_text().splitlines() if "ist_flask.access" in line]
        if len(lines) >= wanted or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def test_one_access_log_line_per_request(tmp_path: Path, database_uri: str) -> None:
    with running_site(tmp_path, database_uri) as site:
        fetch(site + "/about?x=1")
        try:
            fetch(site + "/no-such-page")
        except urllib.error.HTTPError as error:
            assert error.code == 404
        # One for the start-up check of "/", one for each request above.
        lines = access_lines(tmp_path / "server.log", 3)
    assert len(lines) == 3
    assert any('127.0.0.1 "GET /about?x=1 HTTP/1.1" 200' in line for line in lines)
    assert any('"GET /no-such-page HTTP/1.1" 404' in line for line in lines)
    with running_site(tmp_path, database_uri, "--no-access-log", log_name="quiet.log") as site:
        fetch(site + "/about")
    assert "ist_flask.access" not in (tmp_path / "quiet.log").read_text()


def test_wsgi_never_runs_in_debug_mode(tmp_path: Path, database_uri: str) -> None:
    env = {**site_environment(database_uri), "IST_DEBUG": "true"}
    result = subprocess.run(
        [sys.executable, "wsgi.py", "--port", str(free_port())],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0 and "debug mode" in result.stderr


def test_two_processes_on_one_database_see_each_others_changes_within_a_second(
    tmp_path: Path, database_uri: str
) -> None:
    with (
        running_site(tmp_path, database_uri, log_name="a.log") as first,
        running_site(tmp_path, database_uri, log_name="b.log") as second,
    ):
        for site in (first, second):
            assert "Fresh from the other process" not in fetch(site + "/")  # cached now
        new = tmp_path / "new.json"
        new.write_text(
            json.dumps(
                {
                    "statements": [
                        {
                            "published": "2024-06-01T00:00:00Z",
                            "translations": {
                                "en": {"title": "Fresh from the other process", "body": "<p>x</p>"}
                            },
                        }
                    ]
                }
            ),
            encoding="utf-8",
        )
        flask_command(database_uri, "statements", "import", str(new))
        changed = time.monotonic()
        waiting = {first, second}
        while waiting:
            waiting = {
                site for site in waiting if "Fresh from the other process" not in fetch(site + "/")
            }
            assert time.monotonic() - changed < 1.5, f"still stale after 1.5 s: {waiting}"
            time.sleep(0.05)


SERVING_MODULES = """
import sys
import wsgi
wsgi.prepare_database(load_demo=True)
client = wsgi.app.test_client()
for path in ("/", "/fr/feed.atom", "/en/statements/release-frank-garcia-hernandez-and-his-comrades"):
    assert client.get(path).status_code == 200, path
print(sorted({name.split(".")[0] for name in sys.modules} & {"alembic", "flask_migrate", "mako", "pygments"}))
"""


def test_the_serving_process_never_loads_alembic(database_uri: str) -> None:
    """wsgi.py upgrades the database in a child process: alembic, mako and
    pygments (about 11 MB) never stay in the process that serves."""
    result = subprocess.run(
        [sys.executable, "-c", SERVING_MODULES],
        cwd=ROOT, env=site_environment(database_uri), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[]"
