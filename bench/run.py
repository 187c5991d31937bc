"""Benchmark: requests per second and latency of the main pages, as ratios to a
trivial route of the same app on the same waitress in the same run.

    python bench/run.py [--sizes 1000,10000,100000] [--duration 10] [--out bench/results/latest.md]

For each size it builds (once, then reuses) an SQLite database by importing a
generated file, starts the site under waitress (bench/serve.py), warms it,
and loads each URL with wrk when installed, else with a Python client. Only
127.0.0.1 is ever contacted, and every run is bounded in time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import write_file  # noqa: E402

# name, path, extra headers ("etag" is filled in), minimum ratio to the trivial route
ENDPOINTS = [
    ("trivial route", "/bench/trivial", {}, None),
    ("`/`", "/", {}, 0.70),
    ("`/fr/`", "/fr/", {}, 0.70),
    ("statement page", "/fr/statements/statement-0-fr", {}, 0.70),
    ("`/fr/feed.atom`", "/fr/feed.atom", {}, 0.60),
    ("feed 304 revalidation", "/fr/feed.atom", {"If-None-Match": "etag"}, 0.85),
    ("`/?page=50`", "/?page=50", {}, 0.50),
]
MEMORY_LIMIT_MB = 150
FIRST_ANSWER_LIMIT_S = 2.0
SAME_AS_SMALLEST = 0.15


@dataclass
class Measure:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "IST_SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "IST_SECRET_KEY": "benchmark-only-secret-key-0123456789abcdef",
    }


def build_database(size: int, data: Path) -> tuple[Path, float]:
    """The database of ``size`` statements and how long its import took."""
    database = data / f"site-{size}.sqlite3"
    timing = data / f"site-{size}.json"
    if database.exists() and timing.exists():
        # Bring a kept database to the latest migration first, so that the
        # time to first answer is measured on an upgraded database.
        flask = [sys.executable, "-m", "flask", "--app", "ist_flask", "db", "upgrade"]
        subprocess.run(flask, cwd=ROOT, env=environment(database), check=True, capture_output=True)
        return database, json.loads(timing.read_text())["import_seconds"]
    source = data / f"statements-{size}.json"
    print(f"generating {size} statements…", flush=True)
    write_file(source, size)
    for stale in data.glob(f"site-{size}.sqlite3*"):
        stale.unlink()
    env = environment(database)
    flask = [sys.executable, "-m", "flask", "--app", "ist_flask"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    print(f"importing {size} statements ({source.stat().st_size / 1e6:.0f} MB)…", flush=True)
    started = time.monotonic()
    subprocess.run([*flask, "statements", "import", str(source)], cwd=ROOT, env=env, check=True)
    seconds = time.monotonic() - started
    timing.write_text(json.dumps({"import_seconds": seconds}))
    source.unlink()
    return database, seconds


def start_server(database: Path, threads: int) -> tuple[subprocess.Popen[bytes], str, float]:
    port = free_port()
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, str(HERE / "serve.py"), "--port", str(port), "--threads", str(threads)],
        cwd=ROOT,
        env=environment(database),
    )
    base = f"http://127.0.0.1:{port}"
    while time.monotonic() - started < 60:
        try:
            with urllib.request.urlopen(base + "/bench/trivial", timeout=1):
                return process, base, time.monotonic() - started
        except OSError:
            time.sleep(0.02)
    process.kill()
    raise SystemExit("the server did not answer within 60 s")


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _milliseconds(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def with_wrk(url: str, headers: dict[str, str], duration: int, connections: int) -> Measure:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
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


def with_python(url: str, headers: dict[str, str], duration: int, connections: int) -> Measure:
    """A keep-alive client per thread; slower than wrk, so its ceiling is lower too."""
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


def run_size(size: int, args: argparse.Namespace, load) -> dict:  # type: ignore[no-untyped-def]
    database, import_seconds = build_database(size, args.data)
    process, base, first_answer = start_server(database, args.threads)
    try:
        with urllib.request.urlopen(base + "/fr/feed.atom", timeout=10) as response:
            etag = response.headers["ETag"]
        results = {}
        plan = [(name, path, {k: etag if v == "etag" else v for k, v in headers.items()})
                for name, path, headers, _target in ENDPOINTS]  # fmt: skip
        # Warm every URL under load first: the first renders, the interpreter's
        # caches and the CPU's clock settle before anything counts.
        for _name, path, headers in plan:
            load(base + path, headers, 2, args.connections)
        for name, path, headers in plan:
            results[name] = load(base + path, headers, args.duration, args.connections)
            print(f"{size:>7} {name:<24} {results[name].rps:9.0f} req/s", flush=True)
        # The ceiling is measured again last, and the two runs averaged, so a
        # drift of the machine during the run does not tilt every ratio.
        again = load(base + "/bench/trivial", {}, args.duration, args.connections)
        first = results["trivial route"]
        results["trivial route"] = Measure(
            (first.rps + again.rps) / 2,
            (first.p50_ms + again.p50_ms) / 2,
            max(first.p99_ms, again.p99_ms),
            first.errors + again.errors,
        )
        memory = peak_memory_mb(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=10)
    return {
        "results": results,
        "memory_mb": memory,
        "first_answer_s": first_answer,
        "import_seconds": import_seconds,
    }


def report(runs: dict[int, dict], loader: str, args: argparse.Namespace) -> str:
    sizes = sorted(runs)
    smallest = sizes[0]
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores "
        f"({platform.machine()}, {platform.processor() or 'unknown CPU'}), Python {platform.python_version()}, "
        f"SQLite; waitress with {args.threads} threads; load by {loader} with {args.connections} "
        f"connections for {args.duration} s per URL, on the same machine.",
        "",
        "| statements | URL | req/s | ratio to trivial | p50 ms | p99 ms | errors | target | met |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    missed = []
    for size in sizes:
        results = runs[size]["results"]
        ceiling = results["trivial route"].rps
        for name, _path, _headers, target in ENDPOINTS:
            m = results[name]
            ratio = m.rps / ceiling if ceiling else 0.0
            checks = []
            if target is not None:
                checks.append((f"≥ {target:.0%}", ratio >= target))
            if size != smallest and target is not None:
                small = (
                    runs[smallest]["results"][name].rps
                    / runs[smallest]["results"]["trivial route"].rps
                )
                checks.append(
                    (f"within 15% of {smallest:,}", abs(ratio - small) <= SAME_AS_SMALLEST * small)
                )
            met = all(ok for _label, ok in checks) and m.errors == 0
            if not met:
                missed.append(f"{size:,} {name}")
            lines.append(
                f"| {size:,} | {name} | {m.rps:,.0f} | {ratio:.0%} | {m.p50_ms:.1f} | {m.p99_ms:.1f} | "
                f"{m.errors} | {'; '.join(label for label, _ in checks) or 'ceiling'} | "
                f"{'yes' if met else '**no**'} |"
            )
    lines += [
        "",
        "| statements | import | first answer after start | peak memory of the server |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for size in sizes:
        run = runs[size]
        memory_ok = run["memory_mb"] < MEMORY_LIMIT_MB
        first_ok = run["first_answer_s"] < FIRST_ANSWER_LIMIT_S
        if not memory_ok:
            missed.append(f"{size:,} memory")
        if not first_ok:
            missed.append(f"{size:,} first answer")
        lines.append(
            f"| {size:,} | {run['import_seconds']:.0f} s | {run['first_answer_s']:.2f} s"
            f"{'' if first_ok else ' (**over 2 s**)'} | {run['memory_mb']:.0f} MB"
            f"{'' if memory_ok else ' (**over 150 MB**)'} |"
        )
    lines += ["", "Targets missed: " + (", ".join(missed) if missed else "none") + "."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per URL")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=4, help="waitress threads")
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "latest.md")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    loader = "wrk" if shutil.which("wrk") else "a Python client"
    load = with_wrk if loader == "wrk" else with_python
    runs = {int(size): run_size(int(size), args, load) for size in args.sizes.split(",")}
    table = report(runs, loader, args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(table, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
