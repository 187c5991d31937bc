"""What a newcomer meets first: the README's commands as written, a busy port,
and commands run on a database that has not been migrated yet."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from servers import ROOT, running_site, site_environment

# Slow: new processes, as a newcomer runs them. `pytest -m "not slow"` leaves it out of the quick loop.
pytestmark = pytest.mark.slow

README = ROOT / "README.md"
COMMAND = re.compile(r"^(?:echo \"\$PASSWORD\" \| )?\.venv/bin/flask --app ist_flask .*$")
# What a maintainer types at each interactive prompt.
ANSWERS = {
    "users create you@example.org": "a long password 1\na long password 1\n",
    "users set-password": "a new password 12\na new password 12\n",
    "users delete": "y\n",
}
# Commands that change the checkout itself, not the site's database.
CHANGING_THE_CHECKOUT = ("translate ",)


def readme_commands() -> list[str]:
    """Every `.venv/bin/flask --app ist_flask …` line of the README's shell blocks."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", README.read_text(), flags=re.DOTALL):
        for line in block.splitlines():
            command = line.split("  #")[0].strip()
            if COMMAND.match(command) and not any(c in command for c in CHANGING_THE_CHECKOUT):
                commands.append(command)
    return commands


def confirmed_subscriber(database_uri: str, address: str) -> None:
    from ist_flask import create_app
    from ist_flask.extensions import db
    from ist_flask.subscriber_models import Subscriber, SubscriberLanguage

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": "x" * 32})
    now = datetime.now(UTC)
    with app.app_context():
        subscriber = Subscriber(
            email=address, language="en", frequency="immediate", created_at=now, confirmed_at=now
        )
        subscriber.languages.append(SubscriberLanguage(language="en"))
        db.session.add(subscriber)
        db.session.commit()
        db.session.remove()
        # Its connections closed now, not left to the garbage collector
        # (psycopg warns then, in whichever test is running).
        db.engine.dispose()


def clean_shell_environment(database_uri: str, home: Path) -> dict[str, str]:
    """A new login shell's environment: no virtual environment, the system's PATH."""
    site = site_environment(database_uri)
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PASSWORD": "a password for scripts",
        "IST_SQLALCHEMY_DATABASE_URI": site["IST_SQLALCHEMY_DATABASE_URI"],
        "IST_SECRET_KEY": site["IST_SECRET_KEY"],
    }


@pytest.mark.slow
def test_the_readmes_maintainer_commands_run_as_written_in_a_clean_shell(
    tmp_path: Path, database_uri: str
) -> None:
    commands = readme_commands()
    assert len(commands) >= 10, commands
    # A folder of the maintainer's own beside the checkout's virtual environment.
    work = tmp_path / "work"
    work.mkdir()
    (work / ".venv").symlink_to(ROOT / ".venv")
    (work / "statements.json").write_text(
        json.dumps(
            {
                "statements": [
                    {
                        "published": "2024-01-01T00:00:00Z",
                        "translations": {"en": {"title": "From a file", "body": "<p>Text.</p>"}},
                    }
                ]
            }
        )
    )
    environment = clean_shell_environment(database_uri, tmp_path)
    for command in commands:
        if "subscribers export" in command:
            # The README's example address, as a reader would have subscribed it.
            confirmed_subscriber(database_uri, "reader@example.org")
        answers = next((a for key, a in ANSWERS.items() if key in command), "")
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-c", command],
            cwd=work, env=environment, input=answers, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        output = result.stdout + result.stderr
        assert result.returncode == 0, (command, output)
        assert "Traceback" not in output, (command, output)
    assert json.loads((work / "statements.json").read_text())["statements"]


def test_a_busy_port_is_one_line_and_a_failure(tmp_path: Path, database_uri: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "wsgi.py", "--port", str(port)],
            cwd=ROOT, env=site_environment(database_uri), capture_output=True, text=True,
            timeout=60,
        )  # fmt: skip
    assert result.returncode != 0
    assert time.monotonic() - started < 30
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert lines == [
        f"ist_flask cannot start: 127.0.0.1:{port} is already in use; "
        "stop what listens there or choose another --port"
    ]


def test_the_server_says_where_it_serves_once(tmp_path: Path, database_uri: str) -> None:
    with running_site(tmp_path, database_uri, "--no-access-log") as site:
        pass
    log = (tmp_path / "server.log").read_text()
    assert log.count("Serving on") == 1, log
    assert f"Serving on {site}" in log


@pytest.fixture
def unmigrated_database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'new.sqlite3'}"


@pytest.mark.parametrize(
    "arguments",
    [
        ["statements", "import", "x.json"],
        ["statements", "export", "x.json"],
        ["statements", "missing", "fr"],
        ["statements", "outdated"],
        ["users", "list"],
        ["users", "sign-out-everywhere", "a@b.org"],
    ],
)
def test_commands_on_a_database_not_yet_migrated_say_what_to_do(
    unmigrated_database: str, tmp_path: Path, arguments: list[str]
) -> None:
    (tmp_path / "x.json").write_text('{"statements": []}')
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "ist_flask", *arguments],
        cwd=tmp_path, env=site_environment(unmigrated_database), capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "run `flask --app ist_flask db upgrade` first" in lines[0]
