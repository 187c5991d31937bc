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
    ENDPOINTS,
    FIRST_ANSWER_LIMIT_S,
    IMPORT_LIMIT_S,
    MEMORY_LIMIT_MB,
    SAME_AS_SMALLEST,
    TRIVIAL,
    UNCACHED,
    UNCACHED_REQUESTS,
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
                        f"within 15% of {smallest:,}",
                        abs(m.ratio - small) <= SAME_AS_SMALLEST * small,
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
    lines += [
        "",
        f"Rendered without the process cache (a server with IST_PAGE_CACHE_BYTES=0; median of "
        f"{UNCACHED_REQUESTS} requests one after another, ms): what a page costs once a change "
        "has emptied the cache.",
        "",
        "| statements | " + " | ".join(name for name, _path in UNCACHED) + " |",
        "| ---: | " + " | ".join("---:" for _ in UNCACHED) + " |",
    ]
    for size in sizes:
        cells = " | ".join(f"{runs[size]['uncached'][name]:.1f}" for name, _path in UNCACHED)
        lines.append(f"| {size:,} | {cells} |")
    lines += [
        "",
        "| statements | import | first answer after start | peak memory of the server |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for size in sizes:
        run = runs[size]
        memory_ok = run["memory_mb"] < MEMORY_LIMIT_MB
        first_ok = run["first_answer_s"] < FIRST_ANSWER_LIMIT_S
        import_ok = size < 100_000 or run["import_seconds"] < IMPORT_LIMIT_S
        if not memory_ok:
            missed.append(f"{size:,} memory")
        if not first_ok:
            missed.append(f"{size:,} first answer")
        if not import_ok:
            missed.append(f"{size:,} import")
        lines.append(
            f"| {size:,} | {run['import_seconds']:.0f} s"
            f"{'' if import_ok else ' (**over 5 min**)'} | {run['first_answer_s']:.2f} s"
            f"{'' if first_ok else ' (**over 2 s**)'} | {run['memory_mb']:.0f} MB"
            f"{'' if memory_ok else ' (**over 150 MB**)'} |"
        )
    lines += ["", "Targets missed: " + (", ".join(missed) if missed else "none") + "."]
    return "\n".join(lines) + "\n"
