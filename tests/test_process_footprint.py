"""What a process serving pages loads: not the libraries of features it does
not use (issue 15's memory target, measured by bench/run.py; this keeps the
imports that cost most from creeping back)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Each is several MB, and only some sites or some requests need it.
UNNEEDED = {
    "psycopg": "the PostgreSQL driver, on an SQLite site (huey's storage would import it)",
    "cryptography.hazmat": "signing and verifying, before any fediverse POST",
    "http_message_signatures": "RFC 9421, before any such signature arrives",
}

PROBE = """
import json, sys
from ist_flask import create_app
app = create_app(migrations=False)
client = app.test_client()
statuses = [client.get(path).status_code for path in ("/", "/fr/feed.atom", "/healthz")]
print(json.dumps({"statuses": statuses, "loaded": sorted(sys.modules)}))
"""


def test_serving_pages_loads_no_unneeded_library(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "IST_SECRET_KEY": "footprint-test-secret-key-0123456789abcdef",
        "IST_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "IST_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
        "IST_ACTIVITYPUB": "1",
        "IST_SITE_URL": "https://example.org",
    }
    env.pop("IST_TEST_DATABASE_URI", None)
    upgrade = [sys.executable, "-m", "flask", "--app", "ist_flask", "db", "upgrade"]
    subprocess.run(upgrade, cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["statuses"] == [200, 200, 200]
    loaded = set(found["loaded"])
    assert "huey" in loaded and "lxml.etree" in loaded  # the probe did load the app's own
    wrongly = {name: why for name, why in UNNEEDED.items() if name in loaded}
    assert not wrongly, wrongly
