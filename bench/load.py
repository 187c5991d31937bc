"""Loopback load, for the benchmark and the tests: wrk when installed, else a
Python client. Bounded in time and only ever aimed at 127.0.0.1.

The benchmark measures one URL at a time (with_wrk, with_python), each on a
core of its own, apart from the server's, when there are two; the tests load
several URLs, or addresses never asked before, and count bad answers (run_load).
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit


@dataclass
class Measure:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


@dataclass
class Summary:
    """One URL over every round: medians, and the spread of its ratio."""

    rps: float
    ratio: float
    ratio_low: float
    ratio_high: float
    p50_ms: float
    p99_ms: float
    errors: int


Load = Callable[[str, dict[str, str], float, int], Measure]


def cores() -> tuple[set[int], set[int]]:
    """A core for the server and another for the load generator, when there are two."""
    available = sorted(os.sched_getaffinity(0))
    if len(available) < 2:
        return set(available), set(available)
    return {available[0]}, {available[1]}


SERVER_CORES, LOAD_CORES = cores()


def summarise(rounds: list[Measure], ceilings: list[float]) -> Summary:
    ratios = [m.rps / c if c else 0.0 for m, c in zip(rounds, ceilings, strict=True)]
    return Summary(
        rps=statistics.median(m.rps for m in rounds),
        ratio=statistics.median(ratios),
        ratio_low=min(ratios),
        ratio_high=max(ratios),
        p50_ms=statistics.median(m.p50_ms for m in rounds),
        p99_ms=statistics.median(m.p99_ms for m in rounds),
        errors=sum(m.errors for m in rounds),
    )


def _milliseconds(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def with_wrk(url: str, headers: dict[str, str], duration: float, connections: int) -> Measure:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration:g}s", "--latency", "--timeout", "5s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, url],
        capture_output=True,
        text=True,
        check=True,
        preexec_fn=lambda: os.sched_setaffinity(0, LOAD_CORES),
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    # Anchored: "66.50%" in the stdev columns must not pass for the 50th percentile.
    p50 = _milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = _milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(bad.group(1)) if bad else 0
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return Measure(rps, p50, p99, errors)


def with_python(url: str, headers: dict[str, str], duration: float, connections: int) -> Measure:
    """A keep-alive client per thread; slower than wrk, so its ceiling is lower too."""
    kept = os.sched_getaffinity(0)
    os.sched_setaffinity(0, LOAD_CORES)
    try:
        return _python_load(url, headers, duration, connections)
    finally:
        os.sched_setaffinity(0, kept)


def _python_load(url: str, headers: dict[str, str], duration: float, connections: int) -> Measure:
    host, port = url.split("//")[1].split("/")[0].split(":")
    path = "/" + url.split("//")[1].split("/", 1)[1]
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def client() -> None:
        connection = HTTPConnection(host, int(port), timeout=5)
        mine: list[float] = []
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status not in (200, 304):
                    errors[0] += 1
            except OSError:
                errors[0] += 1
                connection.close()
                connection = HTTPConnection(host, int(port), timeout=5)
                continue
            mine.append(time.perf_counter() - started)
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    if not latencies:
        return Measure(0.0, float("nan"), float("nan"), errors[0])
    return Measure(
        len(latencies) / duration,
        latencies[len(latencies) // 2] * 1000,
        latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        errors[0],
    )


# Several URLs, for the tests ---------------------------------------------------------


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
