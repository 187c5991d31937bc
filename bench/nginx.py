"""nginx from Debian, running the shipped deploy/nginx.conf from a temporary
folder in front of the benchmark's site process, with a second server that
serves a folder of static files: the ceiling of a page nginx answers from its
cache.

Only what belongs to one machine is replaced in deploy/nginx.conf (addresses,
ports, paths, TLS), each replacement checked to apply. tests/test_nginx.py
runs the same file through site_file and main_file: the one adaptation.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from load import SERVER_CORES

ROOT = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# The static copy's path: a file asked for by name, not "/fr/" through an
# index directive, which would add an internal redirect to the ceiling only.
STATIC_PATH = "/fr/index.html"


def free_port() -> int:
    # run.py has the same; it imports this module, so this one cannot import it.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def available() -> bool:
    return Path(NGINX).is_file() and os.access(NGINX, os.X_OK)


def site_file(folder: Path, upstreams: list[int], port: int, redirect_port: int) -> Path:
    """deploy/nginx.conf for this machine: plain HTTP, in front of one site
    process (the benchmark) or two (tests/test_nginx.py)."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    # A single process: the shipped second peer goes rather than repeating the
    # first, which would change nothing but nginx's bookkeeping.
    second = (
        ("server 127.0.0.1:8002 ", f"server 127.0.0.1:{upstreams[1]} ")
        if len(upstreams) > 1
        else ("    server 127.0.0.1:8002 max_fails=3 fail_timeout=10s;\n", "")
    )
    replacements = [
        ("/var/cache/nginx/ist_flask", str(folder / "cache")),
        ("server 127.0.0.1:8001 ", f"server 127.0.0.1:{upstreams[0]} "),
        second,
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
        if text.count(old) != 1:
            raise RuntimeError(f"deploy/nginx.conf no longer holds {old!r}")
        text = text.replace(old, new)
    path = folder / "site.conf"
    path.write_text(text)
    return path


def main_file(
    folder: Path, site: Path, static_port: int | None = None, access_log: bool = False
) -> Path:
    """The main nginx.conf: every path in ``folder``, one worker, and a server
    of ``folder``/static on ``static_port`` when given."""
    # As root, nginx's workers would otherwise run as nobody, who cannot read
    # the temporary folder; unprivileged, the directive would only be ignored.
    user = "user root;\n" if os.geteuid() == 0 else ""
    # The benchmark keeps no access log, for both servers: the site under
    # waitress keeps none either, and a log would be measured rather than nginx.
    log = f"  access_log {folder}/access.log;\n" if access_log else "  access_log off;\n"
    static = (
        f"  server {{ listen 127.0.0.1:{static_port}; root {folder}/static; }}\n"
        if static_port is not None
        else ""
    )
    path = folder / "nginx.conf"
    path.write_text(
        f"{user}worker_processes 1;\n"
        f"error_log {folder}/error.log;\npid {folder}/nginx.pid;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        f"{log}"
        f"  client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;\n"
        f"  fastcgi_temp_path {folder}/fastcgi; uwsgi_temp_path {folder}/uwsgi;\n"
        f"  scgi_temp_path {folder}/scgi;\n"
        "  include /etc/nginx/mime.types;\n"
        f"  include {site};\n"
        f"{static}"
        "}\n"
    )
    return path


@contextmanager
def running(upstream: int) -> Iterator[tuple[str, str, Path]]:
    """(the site's base URL through nginx, the static server's base URL, the
    static folder) while nginx runs on the server's core; stopped and its
    folder removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    try:
        (folder / "static").mkdir()
        port, static_port = free_port(), free_port()
        site = site_file(folder, [upstream], port, free_port())
        main = main_file(folder, site, static_port)
        process = subprocess.Popen(
            [NGINX, "-p", str(folder), "-c", str(main), "-g", "daemon off;"],
            stderr=subprocess.DEVNULL,  # its error_log is a file of the folder
            # On the server's core, like the site: the load keeps the other one.
            preexec_fn=lambda: os.sched_setaffinity(0, SERVER_CORES),
        )
        base, static_base = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{static_port}"
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=2).close()
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        log = folder / "error.log"
                        last = log.read_text().strip().splitlines()[-1:] if log.exists() else []
                        raise RuntimeError(f"nginx did not start: {' '.join(last)}") from None
                    time.sleep(0.05)
            yield base, static_base, folder / "static"
        finally:
            process.terminate()
            process.wait(timeout=10)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
