"""The benchmark's Markdown table, with each target and whether it was met."""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

from load import LOAD_CORES, SERVER_CORES
from plan import (
    BARE,
    BEHIND_NGINX,
    DEEP_AS_PAGE_50,
    ENDPOINTS,
    FIRST_ANSWER_LIMIT_S,
    IMPORT_LIMIT_S,
    IMPORT_LIMIT_SIZE,
    MEMORY_LIMIT_MB,
    NGINX_STATIC,
    NGINX_TARGET,
    SLOWER_THAN_SMALLEST,
    TRIVIAL,
    UNCACHED,
    UNCACHED_REQUESTS,
    UNCACHED_ROUNDS,
)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def report(runs: dict[int, dict], loader: str, args: argparse.Namespace) -> str:  # type: ignore[type-arg]
    sizes = sorted(runs)
    smallest = sizes[0]
    pinned = (
        f"server on core {min(SERVER_CORES)}, load on core {min(LOAD_CORES)}"
        if SERVER_CORES != LOAD_CORES
        else "server and load on one core"
    )
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores ({cpu_model()}, "
        f"{platform.machine()}), Python {platform.python_version()}, SQLite; waitress with "
        f"{args.threads} threads and no access log; load by {loader} with {args.connections} connections, "
        f"{pinned}. Each URL: {args.rounds} round{'s' if args.rounds != 1 else ''} of {args.duration:g} s, each between two runs "
        "of the site's trivial route and of a bare Flask app's one route (bench/bare.py, the same "
        "waitress), which give its two ratios; medians of the rounds, and the lowest and highest "
        "ratio (for a ceiling: its runs against their median).",
        "",
        "| statements | URL | req/s | ratio to bare Flask | its spread | ratio to trivial "
        "| its spread | p50 ms | p99 ms | errors | target | met |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    missed = []
    for size in sizes:
        results = runs[size]["results"]
        rows = [
            (BARE[0], None, None, "ceiling"),
            (TRIVIAL[0], None, None, "ceiling"),
            *((e[0], e[3], e[4], "—") for e in ENDPOINTS),
        ]
        for name, target, bare_target, no_target in rows:
            m, b = results[name]
            checks = []
            if bare_target is not None:
                checks.append((f"≥ {bare_target:.0%} of bare", b.ratio >= bare_target))
            if target is not None:
                checks.append((f"≥ {target:.0%} of trivial", m.ratio >= target))
            if size != smallest and target is not None:
                small = runs[smallest]["results"][name][0].ratio
                checks.append(
                    (
                        f"at most {SLOWER_THAN_SMALLEST:.0%} under {smallest:,}",
                        m.ratio >= (1 - SLOWER_THAN_SMALLEST) * small,
                    )
                )
            met = all(ok for _label, ok in checks) and m.errors == 0
            if not met:
                missed.append(f"{size:,} {name}")
            shown = ("yes" if met else "**no**") if checks else ("—" if m.errors == 0 else "**no**")
            lines.append(
                f"| {size:,} | {name} | {m.rps:,.0f} | {b.ratio:.0%} | "
                f"{b.ratio_low:.0%}–{b.ratio_high:.0%} | {m.ratio:.0%} | "
                f"{m.ratio_low:.0%}–{m.ratio_high:.0%} | {m.p50_ms:.1f} | {m.p99_ms:.1f} | "
                f"{m.errors} | {'; '.join(label for label, _ in checks) or no_target} | {shown} |"
            )
    # Its own table: its ceiling is neither of the main table's two.
    lines += [
        "",
        "Behind nginx (deploy/nginx.conf with plain HTTP, one worker on the server's core, in "
        "front of the same site process): the page nginx keeps, as a ratio to the same nginx "
        "serving the same bytes as a static file; each round between two runs of the file.",
        "",
        f"| statements | URL | req/s | ratio to {NGINX_STATIC} | its spread | p50 ms | p99 ms "
        "| errors | target | met |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    target = f"≥ {NGINX_TARGET:.0%} of {NGINX_STATIC}"
    for size in sizes:
        behind = runs[size]["behind_nginx"]
        if isinstance(behind, str):
            missed.append(f"{size:,} {BEHIND_NGINX[0]} ({behind})")
            lines.append(
                f"| {size:,} | {BEHIND_NGINX[0]} | {behind} | — | — | — | — | — | {target} | **no** |"
            )
            continue
        page, ceiling = behind
        for name, m, checked in ((NGINX_STATIC, ceiling, False), (BEHIND_NGINX[0], page, True)):
            met = m.errors == 0 and (not checked or m.ratio >= NGINX_TARGET)
            if not met:
                missed.append(f"{size:,} {name}")
            shown = ("yes" if met else "**no**") if checked else ("—" if met else "**no**")
            lines.append(
                f"| {size:,} | {name} | {m.rps:,.0f} | {m.ratio:.0%} | "
                f"{m.ratio_low:.0%}–{m.ratio_high:.0%} | {m.p50_ms:.1f} | {m.p99_ms:.1f} | "
                f"{m.errors} | {target if checked else 'ceiling'} | {shown} |"
            )
    lines += [
        "",
        f"Rendered without the process cache (a server with IST_PAGE_CACHE_BYTES=0; median of "
        f"{UNCACHED_REQUESTS} requests one after another over HTTP, ms): what a page costs once "
        f"a change has emptied the cache. {UNCACHED_ROUNDS} rounds, one page after another; each "
        "cell is the lowest round's median, which the target is held to (another process only "
        "ever adds time), then the highest. Page 50 and the deep page (`?page=N`, N = "
        "statements ÷ 10) are timed at the keyset page `?page=N` redirects to.",
        "",
        "| statements | " + " | ".join(name for name, _path, _limit in UNCACHED) + " | met |",
        "| ---: | " + " | ".join("---:" for _ in UNCACHED) + " | --- |",
        "| target | "
        + " | ".join(
            f"< {limit:g}" if limit else ("within 25% of page 50" if name == "deep page" else "—")
            for name, _path, limit in UNCACHED
        )
        + " | |",
    ]
    for size in sizes:
        rounds = runs[size]["uncached"]
        timed = {name: min(medians) for name, medians in rounds.items()}
        slow = [name for name, _path, limit in UNCACHED if limit and timed[name] >= limit]
        if timed["deep page"] > timed["page 50"] * (1 + DEEP_AS_PAGE_50):
            slow.append("deep page")
        missed += [f"{size:,} {name} rendered afresh" for name in slow]
        cells = " | ".join(
            f"{min(rounds[name]):.1f} ({max(rounds[name]):.1f})" for name, _path, _limit in UNCACHED
        )
        shown = "yes" if not slow else "**no**: " + ", ".join(slow)
        lines.append(f"| {size:,} | {cells} | {shown} |")
    lines += [
        "",
        "| statements | import | first answer after start | peak memory of the server |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for size in sizes:
        run = runs[size]
        memory_ok = run["memory_mb"] < MEMORY_LIMIT_MB
        first_ok = run["first_answer_s"] < FIRST_ANSWER_LIMIT_S
        import_ok = size < IMPORT_LIMIT_SIZE or run["import_seconds"] < IMPORT_LIMIT_S
        if not memory_ok:
            missed.append(f"{size:,} memory")
        if not first_ok:
            missed.append(f"{size:,} first answer")
        if not import_ok:
            missed.append(f"{size:,} import")
        lines.append(
            f"| {size:,} | {run['import_seconds']:.0f} s"
            f"{'' if import_ok else f' (**over {IMPORT_LIMIT_S:g} s**)'} | {run['first_answer_s']:.2f} s"
            f"{'' if first_ok else ' (**over 2 s**)'} | {run['memory_mb']:.0f} MB"
            f"{'' if memory_ok else f' (**over {MEMORY_LIMIT_MB} MB**)'} |"
        )
    lines += ["", "Targets missed: " + (", ".join(missed) if missed else "none") + "."]
    return "\n".join(lines) + "\n"
