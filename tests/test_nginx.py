"""nginx from Debian, with the shipped deploy/nginx.conf, in front of two
waitress processes on PostgreSQL: what docs/deploy.md promises holds.

The file runs as shipped; only what belongs to one machine is replaced
(addresses, ports, paths, TLS), each replacement checked to apply.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

# bench/nginx.py (conftest puts bench/ on the path): the one adaptation of the file.
from conftest import make_app
from nginx import NGINX, available, main_file, site_file
from pages import STATEMENT
from servers import flask_command, free_port, running_site, site_environment
from sqlalchemy import select
from test_outage import SERVER

from ist_flask.extensions import db
from ist_flask.models import DRAFT, Statement
from ist_flask.preview_links import create_link, revoke
from ist_flask.preview_models import PreviewLink

pytestmark = pytest.mark.slow  # two servers, nginx and PostgreSQL

MAX_AGE = 2  # IST_PAGE_MAX_AGE for the test: seconds before nginx revalidates


@pytest.fixture
def behind_nginx(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(nginx's URL, the database URI) with two site processes behind nginx."""
    assert available(), "nginx is missing: run `bash tests/run.sh`, which installs it"
    name = f"ist_nginx_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    database = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    environment = {
        "IST_PAGE_MAX_AGE": str(MAX_AGE),
        "IST_FEED_MAX_AGE": str(MAX_AGE),
        # Statement pages then negotiate HTML or ActivityPub JSON (Vary: Accept).
        "IST_ACTIVITYPUB": "1",
        "IST_SITE_URL": "http://ist.example.org",
    }
    try:
        with (
            running_site(tmp_path, database, "--trusted-proxy", "127.0.0.1", log_name="one.log",
                         extra_environment=environment) as one,
            running_site(tmp_path, database, "--trusted-proxy", "127.0.0.1", "--no-demo",
                         log_name="two.log", extra_environment=environment) as two,
        ):  # fmt: skip
            port = free_port()
            upstreams = [int(one.rsplit(":", 1)[1]), int(two.rsplit(":", 1)[1])]
            site = site_file(tmp_path, upstreams, port, free_port())
            main = main_file(tmp_path, site, access_log=True)
            process = subprocess.Popen(
                [NGINX, "-p", str(tmp_path), "-c", str(main), "-g", "daemon off;"],
                stderr=subprocess.DEVNULL,  # its error_log is a file of the test's
            )
            base = f"http://127.0.0.1:{port}"
            try:
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:
                    try:
                        urllib.request.urlopen(base + "/healthz", timeout=2).close()
                        break
                    except OSError:
                        time.sleep(0.1)
                yield base, database
            finally:
                process.terminate()
                process.wait(timeout=10)
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers={"Host": "ist.example.org", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def get_bytes(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Host": "ist.example.org", **headers})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


def test_nginx_caches_revalidates_and_never_keeps_the_editor(
    behind_nginx: tuple[str, str], tmp_path: Path
) -> None:
    base, database = behind_nginx
    first = get(base + "/fr/")
    second = get(base + "/fr/")
    assert first[0] == second[0] == 200
    assert first[1]["X-Cache"] == "MISS" and second[1]["X-Cache"] == "HIT"
    assert first[2] == second[2]

    # Readers that take gzip get the site's gzipped copy, kept beside the
    # plain one: neither pushes the other out of nginx's cache.
    zipped = [get_bytes(base + "/fr/", {"Accept-Encoding": "gzip, deflate"}) for _ in range(2)]
    assert zipped[0][1]["Content-Encoding"] == "gzip" and zipped[1][1]["X-Cache"] == "HIT"
    assert gzip.decompress(zipped[1][2]).decode() == first[2]
    plain = get(base + "/fr/")
    assert plain[1]["X-Cache"] == "HIT" and "Content-Encoding" not in plain[1]

    # A statement's address: one entry for every browser's Accept, another
    # for the fediverse's JSON; neither pushes the other out.
    chrome = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
    firefox = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    mastodon = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams", text/html;q=0.1'
    page = [get(base + STATEMENT, {"Accept": accept}) for accept in (chrome, firefox)]
    assert page[0][1]["X-Cache"] == "MISS" and page[1][1]["X-Cache"] == "HIT"
    assert page[1][1]["Content-Type"].startswith("text/html")
    article = [get(base + STATEMENT, {"Accept": mastodon}) for _ in range(2)]
    assert article[0][1]["X-Cache"] == "MISS" and article[1][1]["X-Cache"] == "HIT"
    assert json.loads(article[1][2])["type"] == "Article"
    again = get(base + STATEMENT, {"Accept": chrome})
    assert again[1]["X-Cache"] == "HIT" and again[2] == page[0][2]

    # Past max-age nginx answers from its copy at once and revalidates it in
    # the background (proxy_cache_use_stale updating), with the ETag: the
    # site answers 304, and the copy is fresh again.
    time.sleep(MAX_AGE + 1.5)  # nginx counts whole seconds
    stale = get(base + "/fr/")
    assert stale[0] == 200 and stale[1]["X-Cache"] in ("STALE", "UPDATING", "REVALIDATED"), stale[1]
    time.sleep(0.5)
    assert get(base + "/fr/")[1]["X-Cache"] == "HIT"
    logs = (tmp_path / "one.log").read_text() + (tmp_path / "two.log").read_text()
    assert '"GET /fr/ HTTP/1.1" 304' in logs, "nginx did not revalidate with the ETag"

    # The editor is never kept: every sign-in form has its own CSRF token.
    login = [get(base + "/admin/login") for _ in range(2)]
    assert all("no-store" in page[1]["Cache-Control"] for page in login)
    assert "X-Cache" not in login[0][1] and login[0][2] != login[1][2]
    # A maintainer's requests pass by the cache.
    assert get(base + "/fr/", {"Cookie": "session=anything"})[1]["X-Cache"] == "BYPASS"

    # A statement published now shows through nginx within IST_PAGE_MAX_AGE.
    source = tmp_path / "new.json"
    source.write_text(
        json.dumps(
            {
                "statements": [
                    {
                        "published": "2024-06-01T00:00:00Z",
                        "translations": {
                            "fr": {"title": "Nouvelle déclaration", "body": "<p>Texte.</p>"}
                        },
                    }
                ]
            }
        )
    )
    flask_command(database, "statements", "import", str(source))
    deadline = time.monotonic() + MAX_AGE + 2
    while "Nouvelle déclaration" not in get(base + "/fr/")[2]:
        assert time.monotonic() < deadline, "not shown within IST_PAGE_MAX_AGE"
        time.sleep(0.2)


def test_nginx_never_keeps_a_preview(behind_nginx: tuple[str, str], tmp_path: Path) -> None:
    """A preview passes by nginx's cache every time (location /preview/), so a
    revoked link is refused at once, even for a reader who just saw it."""
    base, database = behind_nginx
    draft = tmp_path / "draft.json"
    draft.write_text(
        json.dumps(
            {
                "statements": [
                    {
                        "published": "2024-06-01T00:00:00Z",
                        "status": "draft",
                        "translations": {"en": {"title": "Not yet out", "body": "<p>Soon.</p>"}},
                    }
                ]
            }
        )
    )
    flask_command(database, "statements", "import", str(draft))
    site = make_app(database, SECRET_KEY=site_environment(database)["IST_SECRET_KEY"])
    with site.app_context():
        statement = db.session.execute(
            select(Statement).where(Statement.status == DRAFT)
        ).scalar_one()
        token = create_link(statement, None, 1, datetime.now(UTC))
    seen = [get(f"{base}/preview/{token}/en") for _ in range(3)]
    assert all(status == 200 and "Not yet out" in text for status, _h, text in seen)
    assert all("X-Cache" not in headers for _s, headers, _t in seen)
    assert "no-store" in seen[0][1]["Cache-Control"]
    with site.app_context():
        link = db.session.execute(select(PreviewLink)).scalars().one()
        revoke(statement=link.statement, link_id=link.id, now=datetime.now(UTC))
        db.engine.dispose()
    status, _headers, text = get(f"{base}/preview/{token}/en")
    assert status == 410 and "Not yet out" not in text
