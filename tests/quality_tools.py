"""Where the third-party checkers live: npm's vnu-jar and axe-core, installed
by tests/run.sh into tests/node_modules (see tests/package.json)."""

from __future__ import annotations

from pathlib import Path

NODE_MODULES = Path(__file__).resolve().parent / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require(path: Path) -> Path:
    assert path.exists(), f"{path} is missing: run `bash tests/run.sh`, which installs it"
    return path
