"""Loopback load for tests: wrk when installed, else a Python client. Bounded in
time and only ever aimed at 127.0.0.1."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit


@dataclass
class LoadResult:
    requests: int
    bad_answers: int  # not 2xx or 304
    socket_errors: int


def run_load(
    base: str,
    paths: list[str],
    clients: int,
    seconds: int,
    workdir: Path,
    unique_query: str | None = None,
) -> LoadResult:
    """Load ``paths`` in turn. With ``unique_query``, every request adds a query
    never sent before (n=<client>-<count>) followed by ``unique_query``."""
    assert urlsplit(base).hostname == "127.0.0.1", "load goes to this machine only"
    if shutil.which("wrk"):
        return _with_wrk(base, paths, clients, seconds, workdir, unique_query)
    return _with_python(base, paths, clients, seconds, unique_query)


def _with_wrk(
    base: str,
    paths: list[str],
    clients: int,
    seconds: int,
    workdir: Path,
    unique_query: str | None,
) -> LoadResult:
    script = workdir / "paths.lua"
    listed = ", ".join(f'"{path}"' for path in paths)
    if unique_query is None:
        address = "paths[(n % #paths) + 1]"
    else:
        # Each wrk thread has its own Lua state: setup() numbers them.
        address = (
            "paths[(n % #paths) + 1] .. (string.find(paths[(n % #paths) + 1], '?', 1, true)"
            f' and "&" or "?") .. "n=" .. id .. "-" .. n .. "{unique_query}"'
        )
    script.write_text(
        f"local paths = {{{listed}}}\n"
        "local threads = 0\n"
        "function setup(thread) threads = threads + 1; thread:set('id', threads) end\n"
        "local n = 0\n"
        "request = function()\n"
        "  n = n + 1\n"
        f'  return wrk.format("GET", {address})\n'
        "end\n"
    )
    output = subprocess.run(
        ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), base],
        capture_output=True, text=True, check=True, timeout=seconds + 60,
    ).stdout  # fmt: skip
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return LoadResult(
        requests,
        int(bad.group(1)) if bad else 0,
        sum(int(n) for n in errors.groups()) if errors else 0,
    )


def _with_python(
    base: str, paths: list[str], clients: int, seconds: int, unique_query: str | None
) -> LoadResult:
    parts = urlsplit(base)
    totals = {"requests": 0, "bad": 0, "errors": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        counts = {"requests": 0, "bad": 0, "errors": 0}
        connection = HTTPConnection(parts.hostname, parts.port, timeout=10)
        n = offset
        while time.monotonic() < deadline:
            n += 1
            try:
                path = paths[n % len(paths)]
                if unique_query is not None:
                    path += ("&" if "?" in path else "?") + f"n={offset}-{n}{unique_query}"
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                counts["requests"] += 1
                if not (200 <= response.status < 300 or response.status == 304):
                    counts["bad"] += 1
            except OSError:
                counts["errors"] += 1
                connection.close()
                connection = HTTPConnection(parts.hostname, parts.port, timeout=10)
        connection.close()
        with lock:
            for key, value in counts.items():
                totals[key] += value

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult(totals["requests"], totals["bad"], totals["errors"])
