"""`flask translate extract|update|compile|init LANG`: the catalog workflow around pybabel.

The compiled .mo files are committed beside their .po files, so a fresh
install serves every language without running any of these.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

translate = AppGroup("translate", help="Extract, update and compile the interface catalogs.")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = PROJECT_ROOT / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"


def _pybabel(*args: str) -> None:
    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    if subprocess.run(command, cwd=PROJECT_ROOT, check=False).returncode != 0:
        raise click.ClickException(f"pybabel {args[0]} failed")


def extract_messages() -> None:
    """Write translations/messages.pot from the code and templates (see babel.cfg)."""
    _pybabel(
        "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_pgettext:1c,2", "--no-location", "--sort-output",
        "--omit-header", "-o", str(TEMPLATE), "ist_flask",
    )  # fmt: skip


@translate.command("extract")
def extract_command() -> None:
    """Refresh translations/messages.pot."""
    extract_messages()


@translate.command("update")
def update_command() -> None:
    """Extract, then merge new messages into every catalog."""
    extract_messages()
    _pybabel("update", "-i", str(TEMPLATE), "-d", str(TRANSLATIONS), "--no-fuzzy-matching")


@translate.command("compile")
def compile_command() -> None:
    """Compile every catalog to the .mo files the site reads."""
    _pybabel("compile", "-d", str(TRANSLATIONS))


@translate.command("init")
@click.argument("language")
def init_command(language: str) -> None:
    """Start a catalog for LANGUAGE (then add it to LANGUAGES)."""
    extract_messages()
    _pybabel("init", "-i", str(TEMPLATE), "-d", str(TRANSLATIONS), "-l", language)


def init_app(app: Flask) -> None:
    app.cli.add_command(translate)
