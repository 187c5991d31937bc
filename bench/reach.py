"""Reach benchmark (issue 17, "Measured"): the editor's save does not slow
down with many subscribers and followers, and delivery keeps the configured
rate with the server's memory flat.

    python bench/reach.py [--subscribers 10000] [--followers 1000] [--servers 50]
                          [--saves 5] [--rate "200 per second"]
                          [--out bench/results/reach.md]

It serves an SMTP sink and ``--servers`` fediverse inbox sinks on loopback
(bench/sinks.py), builds a site database with the subscribers and followers
(bench/reach_fixture.py), starts the real site (`python wsgi.py`, embedded
queue, email and ActivityPub on), signs in as the maintainer and saves
``--saves`` new published statements, each in English and one other
language, over HTTP. Then it waits until every expected email and inbox POST
has arrived, sampling the server's resident memory. Only 127.0.0.1 is ever
contacted, and every wait is bounded.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import lxml.html

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import reach_fixture as fixture  # noqa: E402
from reach_report import Run, configured_per_second, report  # noqa: E402
from run import free_port  # noqa: E402
from sinks import inbox_sinks, smtp_sink  # noqa: E402

NEW = "/admin/statements/new"
# Seconds for the server to answer after it starts (migrations are done).
START_LIMIT_S = 60
# Waiting for delivery ends when everything expected has arrived, when
# nothing has arrived for STALL_LIMIT_S (a queue that stopped), or at
# DELIVERY_SLACK times the time at the configured rate plus two minutes.
STALL_LIMIT_S = 60
DELIVERY_SLACK = 10
SAMPLE_EVERY_S = 0.2


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # the save's own answer is timed, not the page it leads to


class Editor:
    """A maintainer's browser over real HTTP: cookies, forms, CSRF tokens."""

    def __init__(self, base: str) -> None:
        self.base = base
        cookies = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.browse = urllib.request.build_opener(cookies)
        self.save_only = urllib.request.build_opener(cookies, _KeepRedirects)

    def form(self, path: str, selector: str) -> dict[str, str]:
        with self.browse.open(self.base + path, timeout=30) as answer:
            page = lxml.html.fromstring(answer.read())
        fields: dict[str, str] = {}
        for element in page.cssselect(selector)[0].iter("input", "textarea", "select"):
            name, kind = element.get("name"), element.get("type", "")
            if not name or (kind in ("radio", "checkbox") and element.get("checked") is None):
                continue
            if element.tag == "textarea":
                fields[name] = element.text or ""
            elif element.tag == "select":
                chosen = element.cssselect("option[selected]") or element.cssselect("option")
                fields[name] = chosen[0].get("value") or ""
            else:
                fields[name] = element.get("value", "y" if kind == "checkbox" else "")
        return fields

    def sign_in(self) -> None:
        fields = self.form("/admin/login", "form")
        fields.update(email=fixture.MAINTAINER, password=fixture.PASSWORD)
        body = urllib.parse.urlencode(fields).encode()
        with self.browse.open(self.base + "/admin/login", data=body, timeout=30) as answer:
            if "/admin/login" in answer.url:
                raise SystemExit("the maintainer could not sign in")

    def save(self, fields: dict[str, str]) -> float:
        """POST the form; the seconds until the save answered (a redirect)."""
        body = urllib.parse.urlencode(fields).encode()
        started = time.perf_counter()
        try:
            with self.save_only.open(self.base + NEW, data=body, timeout=30) as answer:
                status = answer.status
        except urllib.error.HTTPError as error:
            status = error.code
        seconds = time.perf_counter() - started
        if status not in (302, 303):
            raise SystemExit(f"the save answered {status}, not a redirect: the form was refused")
        return seconds


def statement_fields(number: int, other: str) -> dict[str, str]:
    published = (datetime.now(UTC) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    fields = {
        "published_at": published,
        "status": "published",
        "original_language": "en",
        "action": "save",
    }
    for language in ("en", other):
        fields[f"translation_{language}-title"] = f"Reach benchmark statement {number} ({language})"
        fields[f"translation_{language}-body"] = (
            f"Statement {number} in {language}, saved by the reach benchmark.\n\n"
            "We stand with the **strikers**."
        )
    return fields


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_site(database: Path, port: int, smtp_port: int, rate: str, data: Path) -> subprocess.Popen[bytes]:  # fmt: skip
    env = {
        **fixture.environment(database),
        "IST_SITE_URL": f"http://127.0.0.1:{port}",
        "IST_QUEUE_URL": f"sqlite:///{data / 'reach-queue.sqlite3'}",
        "IST_MAIL_SERVER": "127.0.0.1",
        "IST_MAIL_PORT": str(smtp_port),
        "IST_MAIL_FROM": "news@bench.example",
        "IST_MAIL_RATE": rate,
        "IST_ACTIVITYPUB": "1",
        "IST_ACTIVITYPUB_PRIVATE_NETWORKS": "1",
    }
    for stale in data.glob("reach-queue.sqlite3*"):
        stale.unlink()
    log = (data / "reach-server.log").open("wb")
    command = [sys.executable, "wsgi.py", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--no-demo", "--no-access-log"],
        cwd=fixture.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + START_LIMIT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the site exited; see {data / 'reach-server.log'}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"the site did not answer within {START_LIMIT_S} s")


def measure(args: argparse.Namespace) -> Run:
    others = [language for language in fixture.LANGUAGES if language != "en"]
    pairs = [["en", others[n % len(others)]] for n in range(args.saves)]
    smtp_port, site_port = free_port(), free_port()
    with smtp_sink(smtp_port) as emails, inbox_sinks(args.servers) as (ports, posts):
        following = fixture.followers(args.followers, ports)
        database = args.data / "reach.sqlite3"
        print(f"building the site: {args.subscribers:,} subscribers, {args.followers:,} followers…", flush=True)  # fmt: skip
        fixture.build(database, args.subscribers, following)
        expected_emails = sum(fixture.expected_emails(args.subscribers, p) for p in pairs)
        expected_posts = sum(fixture.expected_posts(following, p) for p in pairs)
        site = start_site(database, site_port, smtp_port, args.rate, args.data)
        try:
            editor = Editor(f"http://127.0.0.1:{site_port}")
            editor.sign_in()
            rss_start = resident_mb(site.pid)
            cpu_start = cpu_seconds(site.pid)
            saves = []
            first_saved = None
            for number, languages in enumerate(pairs, start=1):
                fields = editor.form(NEW, "form.editor-form")
                fields.update(statement_fields(number, languages[1]))
                saves.append(editor.save(fields))
                first_saved = first_saved or time.monotonic()
            print(f"saved {args.saves} statements; delivering…", flush=True)
            budget = expected_emails / configured_per_second(args.rate) * DELIVERY_SLACK + 120
            deadline = time.monotonic() + budget
            rss_peak = rss_start
            arrived, moved_at = -1, time.monotonic()
            while time.monotonic() < deadline and time.monotonic() - moved_at < STALL_LIMIT_S:
                rss_peak = max(rss_peak, resident_mb(site.pid))
                if emails.count >= expected_emails and posts.count >= expected_posts:
                    break
                if emails.count + posts.count != arrived:
                    arrived, moved_at = emails.count + posts.count, time.monotonic()
                time.sleep(SAMPLE_EVERY_S)
            # Anything past the expected count would be a second delivery.
            time.sleep(2)
            rss_peak = max(rss_peak, resident_mb(site.pid))
            arrivals = [t for t in (emails.last, posts.last) if t is not None]
            finished = max(arrivals, default=time.monotonic())
            cpu_used = cpu_seconds(site.pid) - cpu_start
        finally:
            site.terminate()
            site.wait(timeout=30)
        assert first_saved is not None
        return Run(
            subscribers=args.subscribers,
            followers=args.followers,
            servers=args.servers,
            rate=args.rate,
            saves_ms=[s * 1000 for s in saves],
            emails=emails.count,
            expected_emails=expected_emails,
            posts=posts.count,
            expected_posts=expected_posts,
            delivery_s=finished - first_saved,
            email_rate=emails.rate(),
            rss_start_mb=rss_start,
            rss_peak_mb=rss_peak,
            server_cpu_s=cpu_used,
            load=os.getloadavg(),
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--followers", type=int, default=1_000)
    parser.add_argument("--servers", type=int, default=50, help="fediverse servers on loopback")
    parser.add_argument("--saves", type=int, default=5, help="statements saved, each timed")
    parser.add_argument("--rate", default="200 per second", help="IST_MAIL_RATE for the run")
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "reach.md")
    args = parser.parse_args()
    if args.saves < 1 or args.servers < 1 or args.subscribers < 0 or args.followers < 0:
        parser.error("--saves and --servers must be at least 1, the counts at least 0")
    args.data.mkdir(parents=True, exist_ok=True)
    run = measure(args)
    table = report(run)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(table, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
