"""nginx from Debian, with the shipped deploy/nginx.conf, in front of two
waitress processes on PostgreSQL: what docs/deploy.md promises holds.

The file runs as shipped; only what belongs to one machine is replaced
(addresses, ports, paths, TLS), each replacement checked to apply.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from servers import ROOT, flask_command, free_port, running_site
from test_outage import SERVER

pytestmark = pytest.mark.slow  # two servers, nginx and PostgreSQL

MAX_AGE = 2  # IST_PAGE_MAX_AGE for the test: seconds before nginx revalidates


def site_file(folder: Path, upstreams: list[int], port: int, redirect_port: int) -> Path:
    """deploy/nginx.conf, for this machine."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    replacements = [
        ("/var/cache/nginx/ist_flask", str(folder / "cache")),
        ("server 127.0.0.1:8001 ", f"server 127.0.0.1:{upstreams[0]} "),
        ("server 127.0.0.1:8002 ", f"server 127.0.0.1:{upstreams[1]} "),
        ("    listen 80;\n    listen [::]:80;\n", f"    listen 127.0.0.1:{redirect_port};\n"),
        (
            "    listen 443 ssl http2;\n    listen [::]:443 ssl http2;\n",
            f"    listen 127.0.0.1:{port};\n",
        ),
        ("    ssl_certificate     /etc/letsencrypt/live/ist.example.org/fullchain.pem;\n", ""),
        ("    ssl_certificate_key /etc/letsencrypt/live/ist.example.org/privkey.pem;\n", ""),
        ("/srv/ist_flask/app/ist_flask/static/", f"{ROOT / 'ist_flask' / 'static'}/"),
    ]
    for old, new in replacements:
        assert text.count(old) == 1, f"deploy/nginx.conf no longer holds {old!r}"
        text = text.replace(old, new)
    path = folder / "site.conf"
    path.write_text(text)
    return path


@pytest.fixture
def behind_nginx(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(nginx's URL, the database URI) with two site processes behind nginx."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is missing: run `bash tests/run.sh`, which installs it"
    name = f"ist_nginx_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    database = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    environment = {"IST_PAGE_MAX_AGE": str(MAX_AGE), "IST_FEED_MAX_AGE": str(MAX_AGE)}
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
            main = tmp_path / "nginx.conf"
            main.write_text(
                "user root;\nworker_processes 1;\n"
                f"error_log {tmp_path}/error.log;\npid {tmp_path}/nginx.pid;\n"
                "events { worker_connections 256; }\n"
                "http {\n"
                f"  access_log {tmp_path}/access.log;\n"
                f"  client_body_temp_path {tmp_path}/body; proxy_temp_path {tmp_path}/proxy;\n"
                f"  fastcgi_temp_path {tmp_path}/fastcgi; uwsgi_temp_path {tmp_path}/uwsgi;\n"
                f"  scgi_temp_path {tmp_path}/scgi;\n"
                "  include /etc/nginx/mime.types;\n"
                f"  include {site};\n"
                "}\n"
            )
            process = subprocess.Popen(
                [nginx, "-p", str(tmp_path), "-c", str(main), "-g", "daemon off;"],
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


def test_nginx_caches_revalidates_and_never_keeps_the_editor(
    behind_nginx: tuple[str, str], tmp_path: Path
) -> None:
    base, database = behind_nginx
    first = get(base + "/fr/")
    second = get(base + "/fr/")
    assert first[0] == second[0] == 200
    assert first[1]["X-Cache"] == "MISS" and second[1]["X-Cache"] == "HIT"
    assert first[2] == second[2]

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
