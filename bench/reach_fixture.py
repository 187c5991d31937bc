"""The reach benchmark's site: a fresh SQLite database made by the migrations,
one maintainer, confirmed email subscribers and fediverse followers inserted
in bulk (a fixture, not the subscribe form), and what each publication
should therefore reach.

Subscriber n reads the site in LANGUAGES[n % 8] and wants that language;
every fifth also wants English. Follower n follows actor ACTORS[n % 9] from
server n % servers; four servers in five have a shared inbox.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
MAINTAINER = "editor@bench.example"
PASSWORD = "benchmark only password 0123"
SECRET_KEY = "benchmark-only-secret-key-0123456789abcdef"
LANGUAGES = ["en", "fr", "es", "de", "el", "tr", "ru", "ar"]
ALL_LANGUAGES = "ist"  # actors.ALL_LANGUAGES, checked in build()
ACTORS = [*LANGUAGES, ALL_LANGUAGES]


def wanted_languages(n: int) -> set[str]:
    own = LANGUAGES[n % len(LANGUAGES)]
    return {own, "en"} if n % 5 == 0 else {own}


@dataclass(frozen=True)
class Follower:
    actor_name: str
    actor_id: str
    inbox: str
    shared_inbox: str | None

    @property
    def delivery_inbox(self) -> str:
        return self.shared_inbox or self.inbox


def followers(count: int, ports: list[int]) -> list[Follower]:
    made = []
    for n in range(count):
        server = n % len(ports)
        base = f"http://127.0.0.1:{ports[server]}"
        made.append(
            Follower(
                actor_name=ACTORS[n % len(ACTORS)],
                actor_id=f"{base}/users/reader{n}",
                inbox=f"{base}/users/reader{n}/inbox",
                shared_inbox=f"{base}/inbox" if server % 5 else None,
            )
        )
    return made


def expected_emails(subscribers: int, languages: list[str]) -> int:
    """Messages for one statement published in ``languages``: one per
    subscriber and language they want."""
    return sum(len(wanted_languages(n) & set(languages)) for n in range(subscribers))


def expected_posts(following: list[Follower], languages: list[str]) -> int:
    """POSTs for one statement published in ``languages``: for each, a Create to
    each distinct inbox of its actor's followers and an Announce to each of
    the all-languages actor's (activitypub_channel.py)."""

    def inboxes(actor: str) -> set[str]:
        return {f.delivery_inbox for f in following if f.actor_name == actor}

    return sum(len(inboxes(language)) + len(inboxes(ALL_LANGUAGES)) for language in languages)


def environment(database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "IST_SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "IST_SECRET_KEY": SECRET_KEY,
    }


def build(database: Path, subscribers: int, following: list[Follower]) -> None:
    """A new database at ``database`` holding the fixture."""
    for stale in database.parent.glob(database.name + "*"):
        stale.unlink()
    flask = [sys.executable, "-m", "flask", "--app", "ist_flask"]
    env = environment(database)
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)  # fmt: skip
    subprocess.run(
        [*flask, "users", "create", MAINTAINER, "--password-stdin"],
        cwd=ROOT, env=env, input=PASSWORD + "\n", text=True, check=True, capture_output=True,
        timeout=120,
    )  # fmt: skip
    # Imported here: the site's modules are needed only to write the fixture.
    from ist_flask import create_app
    from ist_flask.actors import ALL_LANGUAGES as SITE_ALL
    from ist_flask.actors import actor_key
    from ist_flask.extensions import db
    from ist_flask.fediverse_models import Follower as FollowerRow
    from ist_flask.subscriber_models import IMMEDIATE, Subscriber, SubscriberLanguage

    assert SITE_ALL == ALL_LANGUAGES, "the all-languages actor was renamed"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": SECRET_KEY},
        migrations=False,
    )
    now = datetime.now(UTC)
    with app.app_context():
        rows = [
            {
                "id": n + 1,
                "email": f"reader{n}@bench.example",
                "language": LANGUAGES[n % len(LANGUAGES)],
                "frequency": IMMEDIATE,
                "created_at": now,
                "confirmed_at": now,
            }
            for n in range(subscribers)
        ]
        if rows:
            db.session.execute(insert(Subscriber), rows)
            db.session.execute(
                insert(SubscriberLanguage),
                [
                    {"subscriber_id": n + 1, "language": language}
                    for n in range(subscribers)
                    for language in sorted(wanted_languages(n))
                ],
            )
        for name in ACTORS:
            actor_key(name)  # its key pair, as the first request for it would make
        if following:
            db.session.execute(
                insert(FollowerRow),
                [
                    {
                        "actor_name": f.actor_name,
                        "actor_id": f.actor_id,
                        "inbox": f.inbox,
                        "shared_inbox": f.shared_inbox,
                        "followed_at": now,
                    }
                    for f in following
                ],
            )
        db.session.commit()
        db.engine.dispose()
