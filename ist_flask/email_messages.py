"""Writing the site's emails: a text and an HTML part from templates in the
recipient's language, and the headers mail clients and providers expect
(List-Unsubscribe with RFC 8058 one-click, Message-ID, Date)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any
from urllib.parse import quote

from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import escape

from .mail import MailSettings


@contextmanager
def at_site() -> Iterator[None]:
    """A request at the site's public address (SITE_URL, which
    config_checks.check_mail requires when email is on), outside any request: the
    worker has none, yet links are built with url_for and absolute()."""
    with current_app.test_request_context("/", base_url=current_app.config["SITE_URL"]):
        yield


@contextmanager
def in_language(language: str) -> Iterator[None]:
    """Render as a page of the site in ``language`` would, outside any request."""
    with at_site(), force_locale(language):
        yield


def list_unsubscribe(url: str, token: str) -> str:
    """The List-Unsubscribe header: the link, then the address when one is
    set, one a line (folded as RFC 5322 allows, at the comma)."""
    targets = [f"<{url}>"]
    address = current_app.config.get("MAIL_UNSUBSCRIBE_ADDRESS")
    if address:
        targets.append(f"<mailto:{address}?subject={quote('unsubscribe ' + token)}>")
    if any(character in target for target in targets for character in "\r\n"):
        raise ValueError("a List-Unsubscribe target holds a line break")
    return ",\r\n ".join(targets)


# Stands for a subscriber's own unsubscribe link in a message written once
# for many: plain characters that HTML escaping leaves as they are.
UNSUBSCRIBE_MARK = "https://unsubscribe.invalid/mark"


@dataclass(frozen=True)
class Written:
    """A message's words, before it is addressed to anyone."""

    language: str
    subject: str
    text: str
    html: str


def write(
    language: str, subject: str, template: str, unsubscribe: bool = True, **context: Any
) -> Written:
    """email/<template>.txt and .html rendered once (call inside in_language),
    with UNSUBSCRIBE_MARK where each recipient's own link will be (no link
    without ``unsubscribe``)."""
    context = {**context, "unsubscribe_url": UNSUBSCRIBE_MARK if unsubscribe else None}
    return Written(
        language=language,
        # A title may hold a line break (clean_text keeps them), which a header cannot.
        subject=" ".join(subject.split()),
        text=render_template(f"email/{template}.txt", **context),
        html=render_template(f"email/{template}.html", **context),
    )


def addressed(
    settings: MailSettings, written: Written, to: str, unsubscribe: tuple[str, str] | None
) -> EmailMessage:
    """``written`` as one message to ``to``: text and HTML as
    multipart/alternative, and the headers; ``unsubscribe``: the one-click
    link and its token, for the List-Unsubscribe headers and the footer."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = written.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.sender_domain)
    # Mail nobody answers by hand: no out-of-office replies (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    text, html = written.text, written.html
    if unsubscribe is not None:
        url, token = unsubscribe
        # Set as it is to be sent (mail.SENDING keeps it): the email package
        # would fold a link longer than a line into RFC 2047 encoded words,
        # which mail clients do not read as the <URL> RFC 2369 asks for.
        message.set_raw("List-Unsubscribe", list_unsubscribe(url, token))
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        text = text.replace(UNSUBSCRIBE_MARK, url)
        html = html.replace(UNSUBSCRIBE_MARK, str(escape(url)))
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    # After the parts: set_content would take any Content-* header away.
    message["Content-Language"] = written.language
    return message


def compose(
    settings: MailSettings,
    to: str,
    language: str,
    subject: str,
    template: str,
    unsubscribe: tuple[str, str] | None = None,
    **context: Any,
) -> EmailMessage:
    """One message to ``to``, in ``language`` (call inside in_language):
    written for it alone, then addressed (see write and addressed)."""
    written = write(language, subject, template, unsubscribe is not None, **context)
    return addressed(settings, written, to, unsubscribe)
