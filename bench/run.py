"""Benchmark: requests per second and latency of the main pages, as ratios to a
trivial route of the same app on the same waitress in the same run.

    python bench/run.py [--sizes 1000,10000,100000] [--rounds 8] [--duration 2]
                        [--out bench/results/latest.md]

For each size it builds (once, then reuses) an SQLite database by importing a
generated file, starts the site under waitress (bench/serve.py), warms it,
and loads each URL with wrk when installed, else with a Python client. Only
127.0.0.1 is ever contacted, and every run is bounded in time.

A 2-core virtual machine moves by 15-30% from one measurement to the next,
so: the server and the load generator each get a core of their own; every
URL is measured in several short rounds, each one between two measurements
of the trivial route, which give its ratio; and the table gives the median
of the rounds, with the lowest and highest ratio beside it. It also times
pages rendered without the process's cache (a query string no one asked
before), which is what a change costs. With nginx installed, the shipped
deploy/nginx.conf runs in front of the site (bench/nginx.py), and the page it
keeps is measured against the same nginx serving the same bytes as a file.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import nginx  # noqa: E402
from generate import write_file  # noqa: E402
from load import (  # noqa: E402
    SERVER_CORES,
    Load,
    Measure,
    Summary,
    summarise,
    with_python,
    with_wrk,
)
from plan import (  # noqa: E402
    BARE,
    BEHIND_NGINX,
    ENDPOINTS,
    TRIVIAL,
    UNCACHED,
    UNCACHED_REQUESTS,
    UNCACHED_ROUNDS,
    deep_page,
)
from report import report  # noqa: E402


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
    if not source.exists():  # the same size always makes the same file
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
    # The kernel writes an import's gigabytes back to disk after it ends,
    # on the cores the pages are then timed on. Right after the
    # 100,000-statement import, pages rendered afresh took 3.7-4.2 ms;
    # `/` took 2.8-2.9 ms on the same database later. Waiting for the
    # writeback takes that doubt out of the table.
    os.sync()
    return database, seconds


def start_server(
    database: Path,
    threads: int,
    script: str = "serve.py",
    probe: str = TRIVIAL[1],
    cache_bytes: int | None = None,
) -> tuple[subprocess.Popen[bytes], str, float]:
    port = free_port()
    started = time.monotonic()
    env = environment(database)
    if cache_bytes is not None:
        env["IST_PAGE_CACHE_BYTES"] = str(cache_bytes)
    process = subprocess.Popen(
        [sys.executable, str(HERE / script), "--port", str(port), "--threads", str(threads)],
        cwd=ROOT,
        env=env,
        preexec_fn=lambda: os.sched_setaffinity(0, SERVER_CORES),
    )
    base = f"http://127.0.0.1:{port}"
    while time.monotonic() - started < 60:
        try:
            with urllib.request.urlopen(base + probe, timeout=1):
                return process, base, time.monotonic() - started
        except OSError:
            time.sleep(0.02)
    process.kill()
    raise SystemExit(f"{script} did not answer within 60 s")


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def landing(base: str, path: str) -> str:
    """Where ``path`` leads: itself, or the page it redirects to (?page=N)."""
    with urllib.request.urlopen(f"{base}{path}", timeout=30) as response:
        found = urllib.parse.urlsplit(response.url)
    return found.path + (f"?{found.query}" if found.query else "")


def uncached_ms(base: str, path: str, requests: int) -> float:
    """The median time to render ``path`` on a server that keeps no page
    (IST_PAGE_CACHE_BYTES=0): what every page costs right after a change."""
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        with urllib.request.urlopen(f"{base}{path}", timeout=30) as response:
            response.read()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def behind_nginx(base: str, args: argparse.Namespace, load: Load) -> tuple[Summary, Summary] | str:
    """The page nginx keeps in front of the site at ``base``, and the same bytes
    as nginx's static file, each against the static file; or why not measured."""
    if not nginx.available():
        return f"not measured: nginx is missing ({nginx.NGINX})"
    try:
        with nginx.running(int(base.rsplit(":", 1)[1])) as (front, static_base, folder):
            cached, static = front + BEHIND_NGINX[1], static_base + nginx.STATIC_PATH
            # Fetched through nginx, so the file holds exactly the bytes nginx
            # keeps, even if the page spelled out the address it was asked at.
            with urllib.request.urlopen(cached, timeout=10) as response:
                page = response.read()
            copy = folder / nginx.STATIC_PATH.lstrip("/")
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(page)
            for url in (cached, static):
                load(url, {}, args.duration, args.connections)
            with urllib.request.urlopen(cached, timeout=10) as response:
                state, again = response.headers["X-Cache"], response.read()
            if state != "HIT" or again != page:
                return f"not measured: after warming, X-Cache {state}, same bytes {again == page}"
            # As for the other rows: each round between two runs of the ceiling.
            ceiling_runs = [load(static, {}, args.duration, args.connections)]
            rounds: list[Measure] = []
            ceilings: list[float] = []
            for _ in range(args.rounds):
                rounds.append(load(cached, {}, args.duration, args.connections))
                ceiling_runs.append(load(static, {}, args.duration, args.connections))
                ceilings.append((ceiling_runs[-2].rps + ceiling_runs[-1].rps) / 2)
    except RuntimeError as error:  # nginx did not start, or deploy/nginx.conf changed
        return f"not measured: {error}"
    middle = statistics.median(m.rps for m in ceiling_runs)
    return summarise(rounds, ceilings), summarise(ceiling_runs, [middle] * len(ceiling_runs))


def run_size(size: int, args: argparse.Namespace, load: Load) -> dict:  # type: ignore[type-arg]
    database, import_seconds = build_database(size, args.data)
    # The import leaves gigabytes for the kernel to write back: the first
    # answer is timed after that, not while the server's reads wait behind it.
    os.sync()
    process, base, first_answer = start_server(database, args.threads)
    # The bare Flask app waits on the same core while the site is loaded.
    bare_process, bare_base, _ = start_server(database, args.threads, "bare.py", BARE[1])
    try:
        with urllib.request.urlopen(base + "/fr/feed.atom", timeout=10) as response:
            etag = response.headers["ETag"]
        plan = [(name, landing(base, path), {k: etag if v == "etag" else v for k, v in headers.items()})
                for name, path, headers, _trivial, _bare in ENDPOINTS]  # fmt: skip
        trivial_name, trivial = TRIVIAL[0], base + TRIVIAL[1]
        bare_name, bare = BARE[0], bare_base + BARE[1]
        # Warm every URL under load first: the first renders, the interpreter's
        # caches and the CPU's clock settle before anything counts.
        for _name, path, headers in plan:
            load(base + path, headers, args.duration, args.connections)
        rounds: dict[str, list[Measure]] = {name: [] for name, _path, _headers in plan}
        ceilings: dict[str, list[float]] = {name: [] for name, _path, _headers in plan}
        bare_ceilings: dict[str, list[float]] = {name: [] for name, _path, _headers in plan}
        rounds[trivial_name] = [load(trivial, {}, args.duration, args.connections)]
        rounds[bare_name] = [load(bare, {}, args.duration, args.connections)]
        for number in range(args.rounds):
            for name, path, headers in plan:
                # A URL's ceilings are the trivial route and the bare Flask route
                # just before and just after it, loaded the same way: the
                # machine's speed drifts by more than the targets' margins over
                # a minute, much less over seconds.
                fresh = {k: v for k, v in headers.items() if k == "Connection"}
                if fresh:
                    before = load(trivial, fresh, args.duration, args.connections)
                    bare_before = load(bare, fresh, args.duration, args.connections)
                else:
                    before, bare_before = rounds[trivial_name][-1], rounds[bare_name][-1]
                rounds[name].append(load(base + path, headers, args.duration, args.connections))
                after = load(trivial, fresh, args.duration, args.connections)
                bare_after = load(bare, fresh, args.duration, args.connections)
                if not fresh:
                    rounds[trivial_name].append(after)
                    rounds[bare_name].append(bare_after)
                ceilings[name].append((before.rps + after.rps) / 2)
                bare_ceilings[name].append((bare_before.rps + bare_after.rps) / 2)
            print(f"{size:>7} round {number + 1} of {args.rounds} done", flush=True)
        for ceiling in (trivial_name, bare_name):
            middle = statistics.median(m.rps for m in rounds[ceiling])
            ceilings[ceiling] = [middle] * len(rounds[ceiling])
        bare_middle = statistics.median(m.rps for m in rounds[bare_name])
        bare_ceilings[trivial_name] = [bare_middle] * len(rounds[trivial_name])
        bare_ceilings[bare_name] = [bare_middle] * len(rounds[bare_name])
        results = {
            name: (summarise(measures, ceilings[name]), summarise(measures, bare_ceilings[name]))
            for name, measures in rounds.items()
        }
        memory = peak_memory_mb(process.pid)
        # After the peak memory is read: nginx's requests are not the site's load.
        behind = behind_nginx(base, args, load)
        print(f"{size:>7} behind nginx done", flush=True)
    finally:
        for running in (process, bare_process):
            running.terminate()
            running.wait(timeout=10)
    # A query string never seen before no longer passes the cache (a page's
    # key holds only what it reads): a server that keeps nothing renders.
    uncached_process, uncached_base, _ = start_server(database, args.threads, cache_bytes=0)
    try:
        pages = {
            name: landing(uncached_base, path.format(deep=deep_page(size)))
            for name, path, _limit in UNCACHED
        }
        uncached: dict[str, list[float]] = {name: [] for name in pages}
        for _round in range(UNCACHED_ROUNDS):
            for name, page in pages.items():
                uncached[name].append(uncached_ms(uncached_base, page, UNCACHED_REQUESTS))
    finally:
        uncached_process.terminate()
        uncached_process.wait(timeout=10)
    return {
        "results": results,
        "uncached": uncached,
        "behind_nginx": behind,
        "memory_mb": memory,
        "first_answer_s": first_answer,
        "import_seconds": import_seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--rounds", type=int, default=8, help="rounds of load per URL")
    parser.add_argument(
        "--duration", type=float, default=2, help="seconds of load per URL and round"
    )
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
