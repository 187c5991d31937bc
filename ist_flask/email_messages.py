"""Writing the site's emails: a text and an HTML part from templates in the
recipient's language, and the headers mail clients and providers expect
(List-Unsubscribe with RFC 8058 one-click, Message-ID, Date)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any
from urllib.parse import quote

from flask import current_app, render_template
from flask_babel import force_locale

from .mail import MailSettings


@contextmanager
def in_language(language: str) -> Iterator[None]:
    """Render as a page of the site in ``language`` would, outside any request.

    The worker has no request, yet templates build their links with url_for
    and absolute(): a request context at the public address (SITE_URL, which
    config.check_mail requires when email is on) gives them one.
    """
    with (
        current_app.test_request_context("/", base_url=current_app.config["SITE_URL"]),
        force_locale(language),
    ):
        yield


def list_unsubscribe(url: str, token: str) -> str:
    """The List-Unsubscribe header: the link, then the address when one is set."""
    targets = [f"<{url}>"]
    address = current_app.config.get("MAIL_UNSUBSCRIBE_ADDRESS")
    if address:
        targets.append(f"<mailto:{address}?subject={quote('unsubscribe ' + token)}>")
    return ", ".join(targets)


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
    email/<template>.txt and .html as multipart/alternative. ``unsubscribe``:
    the one-click link and its token, for the List-Unsubscribe headers."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    # A title may hold a line break (clean_text keeps them), which a header cannot.
    message["Subject"] = " ".join(subject.split())
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.sender_domain)
    # Mail nobody answers by hand: no out-of-office replies (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe is not None:
        url, token = unsubscribe
        message["List-Unsubscribe"] = list_unsubscribe(url, token)
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    context = {**context, "unsubscribe_url": unsubscribe[0] if unsubscribe else None}
    message.set_content(render_template(f"email/{template}.txt", **context))
    message.add_alternative(render_template(f"email/{template}.html", **context), subtype="html")
    # After the parts: set_content would take any Content-* header away.
    message["Content-Language"] = language
    return message
