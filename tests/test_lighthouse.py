"""Lighthouse (npm, pinned in tests/package.json) in Debian's Chromium scores
the pages the redesign names at 0.95 or more in performance, accessibility,
best practices and SEO, on its default mobile form factor with its default
simulated throttling. The reports are kept in IST_LIGHTHOUSE_DIR
(artifacts/lighthouse): one JSON report a page and scores.json, a summary."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pages import PAGE_TYPES
from quality_tools import CHROMIUM, NODE_MODULES, require
from servers import ROOT

# Slow: 10-30 s a page on two cores. `pytest -m "not slow"` leaves it out of the quick loop.
pytestmark = pytest.mark.slow

LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"
REPORTS = Path(os.environ.get("IST_LIGHTHOUSE_DIR", ROOT / "artifacts" / "lighthouse"))
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PASSING_SCORE = 0.95
# Seconds one Lighthouse run may take before the test gives up on it.
RUN_TIMEOUT = 240


def run_lighthouse(url: str, report: Path) -> dict[str, Any]:
    """Lighthouse's JSON report on ``url``, also written to ``report``."""
    report.parent.mkdir(parents=True, exist_ok=True)
    report.unlink(missing_ok=True)
    done = subprocess.run(
        [str(require(LIGHTHOUSE)), url, "--quiet",
         f"--only-categories={','.join(CATEGORIES)}",
         "--output=json", f"--output-path={report}",
         "--chrome-flags=--headless=new --no-sandbox"],
        env={**os.environ, "CHROME_PATH": str(require(CHROMIUM))},
        capture_output=True, text=True, timeout=RUN_TIMEOUT,
    )  # fmt: skip
    assert done.returncode == 0 and report.exists(), (
        f"lighthouse failed ({done.returncode}): {done.stderr[-3000:]}"
    )
    result: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    assert "runtimeError" not in result, result["runtimeError"]
    return result


def shortfalls(result: dict[str, Any], category: str) -> list[str]:
    """What to fix: the category's scored audits that did not pass, heaviest first."""
    audits = result["audits"]
    lines = []
    for ref in sorted(result["categories"][category]["auditRefs"], key=lambda r: -r["weight"]):
        audit = audits[ref["id"]]
        if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
            shown = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
            lines.append(
                f"    {audit['id']}: {audit['score']:.2f}, weight {ref['weight']}: "
                f"{audit['title']}{shown}"
            )
    return lines


def keep_scores(name: str, scores: dict[str, float | None]) -> None:
    """Add the page's scores to REPORTS/scores.json, one line per page to read."""
    summary = REPORTS / "scores.json"
    kept = json.loads(summary.read_text()) if summary.exists() else {}
    kept[name] = scores
    summary.write_text(json.dumps(kept, indent=1, sort_keys=True) + "\n")


@pytest.mark.parametrize(
    "name", [name for name, page in PAGE_TYPES.items() if page.lighthouse]
)  # fmt: skip
def test_lighthouse_scores_at_least_95_in_every_category(site: str, name: str) -> None:
    result = run_lighthouse(site + PAGE_TYPES[name].path, REPORTS / f"{name}.json")
    scores = {category: result["categories"][category]["score"] for category in CATEGORIES}
    keep_scores(name, scores)
    low = [c for c, score in scores.items() if score is None or score < PASSING_SCORE]
    report = [f"{name} ({PAGE_TYPES[name].path}): {scores}"]
    for category in low:
        report += [
            f"  {category} {scores[category]} < {PASSING_SCORE}:",
            *shortfalls(result, category),
        ]
    assert low == [], "\n".join(report)
