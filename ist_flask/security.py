"""Security headers on every response.

The site's pages load nothing from other hosts and run no inline script, so
the Content-Security-Policy can be strict: a stored image or script pointing
elsewhere is simply not loaded by the browser.
"""

from __future__ import annotations

from flask import Flask, abort, current_app, request
from flask_login import current_user
from werkzeug.wrappers import Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), geolocation=(), microphone=(), payment=(), usb=()"
HSTS = "max-age=31536000; includeSubDomains"


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
    ("X-Frame-Options", "DENY"),
)


def security_headers(site_url: str) -> tuple[tuple[str, str], ...]:
    """The headers every answer carries, for a site served at ``site_url``."""
    if site_url.startswith("https://"):
        # Only when the site is known to be served over HTTPS: HSTS on a plain
        # HTTP site would lock readers out.
        return (*SECURITY_HEADERS, ("Strict-Transport-Security", HSTS))
    return SECURITY_HEADERS


def _add_headers(response: Response, wanted: tuple[tuple[str, str], ...]) -> Response:
    headers = response.headers
    # One pass over the names already set, rather than Headers.setdefault,
    # which raises and catches an exception for each missing header: this
    # runs on every request, cached pages and 304s included.
    present = {name.lower() for name, _value in headers.items()}
    for name, value in wanted:
        if name.lower() not in present:
            headers.add(name, value)
    return response


# Every form but the statement editor's (login, sign out, delete) fits in this.
SMALL_BODY_BYTES = 64 * 1024
# The statement editor's forms: MAX_CONTENT_LENGTH (config_checks.bound_request_bodies),
# and only for a signed-in maintainer.
EDITOR_FORMS = {"admin.new", "admin.edit"}
# The editor's upload of a translated XLIFF or PO file: IST_TRANSLATION_FILE_MAX_BYTES
# and room for the form around it.
TRANSLATION_FILE_UPLOAD = "admin.upload_translation_file"


def _bound_request_body() -> None:
    """Anonymous clients and small forms get a small body limit, checked
    against Content-Length before anything is read (413 past it)."""
    if request.endpoint in EDITOR_FORMS and current_user.is_authenticated:
        return
    if request.endpoint == TRANSLATION_FILE_UPLOAD and current_user.is_authenticated:
        request.max_content_length = (
            int(current_app.config["TRANSLATION_FILE_MAX_BYTES"]) + SMALL_BODY_BYTES
        )
        return
    request.max_content_length = SMALL_BODY_BYTES


def _refuse_nul_bytes() -> None:
    """No address, query or form value of this site ever holds a NUL character,
    and PostgreSQL cannot even compare text with one: refuse such requests early."""
    values = [request.path, *request.args.values()]
    if request.method == "POST":
        values += request.form.values()
    if any("\x00" in value for value in values):
        abort(400)


def init_app(app: Flask) -> None:
    app.before_request(_bound_request_body)
    app.before_request(_refuse_nul_bytes)
    # Settings do not change once the app is made: the list is built once.
    wanted = security_headers(app.config.get("SITE_URL") or "")
    app.after_request(lambda response: _add_headers(response, wanted))
