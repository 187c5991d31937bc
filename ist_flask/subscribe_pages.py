"""The reader's subscription pages: subscribe, confirm and unsubscribe.

They are a 404 while email is off (no IST_MAIL_SERVER or IST_MAIL_FROM), and
the links to them are not shown. Nothing here sends mail: the confirmation
goes on the job queue (channel_types.send), and the worker sends it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, ServiceUnavailable, TooManyRequests
from werkzeug.wrappers import Response

from . import channel_types, group_queries, subscriptions
from .extensions import csrf
from .i18n import supported_languages
from .outage import RETRY_AFTER
from .subscribe_forms import ConfirmSubscriptionForm, SubscribeForm, UnsubscribeForm
from .throttle import StorageError, address_key, subscribe_throttle

bp = Blueprint("subscriptions", __name__)

# The body RFC 8058 has mail clients POST to unsubscribe with one click,
# "List-Unsubscribe=One-Click", as a form.
ONE_CLICK_FIELD, ONE_CLICK_VALUE = "List-Unsubscribe", "One-Click"


class TooManySubscriptions(TooManyRequests):
    explanation = _l(
        "Too many subscription requests for this address or from your connection. "
        "Please wait a while and try again."
    )


class SubscribingUnavailable(ServiceUnavailable):
    explanation = _l(
        "Subscribing is unavailable for a moment: the service that counts requests "
        "does not answer. Please try again shortly."
    )


class ConfirmationUnavailable(ServiceUnavailable):
    explanation = _l(
        "Subscribing is unavailable for a moment: the confirmation email cannot be "
        "queued. Please try again shortly."
    )


class LinkNotValid(HTTPException):
    code = 404
    explanation = _l("This link is not valid. Please check that it was copied whole.")


class LinkExpired(HTTPException):
    code = 410
    explanation = _l("This link has expired. Please subscribe again to get a new one.")


@bp.app_context_processor
def _subscriptions_open() -> dict[str, bool]:
    # Pages link to the subscription form only when email is on.
    return {"subscriptions_open": subscriptions.email_enabled()}


@bp.before_request
def _only_with_email() -> None:
    if not subscriptions.email_enabled():
        abort(404)


@bp.after_request
def _never_cache(response: Response) -> Response:
    # The forms hold a CSRF token of this browser's session, and the answers
    # are about one address: no proxy or browser may keep them.
    response.cache_control.no_store = True
    response.cache_control.private = True
    return response


def _language_pages(endpoint: str, **values: Any) -> dict[str, str]:
    return {code: url_for(endpoint, lang=code, **values) for code in supported_languages()}


def _reserve(address: str) -> None:
    """Count this request per client and per address: 429 past either limit,
    503 when the counts cannot be reached."""
    try:
        wait = subscribe_throttle().reserve(
            address_key(request.remote_addr), subscriptions.address_digest(address)
        )
    except StorageError as error:
        current_app.logger.warning("subscription throttle unavailable: %s", error)
        raise SubscribingUnavailable(retry_after=RETRY_AFTER) from None
    if wait:
        raise TooManySubscriptions(retry_after=wait)


@bp.route("/<lang:lang>/subscribe", methods=["GET", "POST"])
def subscribe(lang: str) -> str | tuple[str, int]:
    topics = [(topic.id, topic.name_in(lang)) for topic in group_queries.all_topics()]
    form = SubscribeForm(lang, topics)
    if not form.validate_on_submit():
        page = render_template(
            "subscribe.html",
            lang=lang,
            form=form,
            language_pages=_language_pages("subscriptions.subscribe"),
        )
        return (page, 400) if form.is_submitted() else page
    address = form.email.data or ""
    _reserve(address)
    confirmation = subscriptions.request_subscription(address, lang, form.choice())
    try:
        channel_types.send("email", confirmation)
    except channel_types.QueueUnavailable as error:
        # The address stays unconfirmed, as after a confirmation never opened:
        # asking again queues a new one.
        current_app.logger.warning("confirmation not queued: %s", error)
        subscribe_throttle().release(subscriptions.address_digest(address))
        raise ConfirmationUnavailable(retry_after=RETRY_AFTER) from None
    # The same answer whether the address was new, waiting or subscribed.
    return render_template(
        "subscribe_done.html",
        lang=lang,
        message="sent",
        language_pages=_language_pages("subscriptions.subscribe"),
    )


def _link_error(error: subscriptions.LinkInvalid) -> HTTPException:
    return LinkExpired() if isinstance(error, subscriptions.LinkExpired) else LinkNotValid()


@bp.route("/<lang:lang>/subscribe/confirm/<token>", methods=["GET", "POST"])
def confirm(lang: str, token: str) -> str:
    form = ConfirmSubscriptionForm()
    try:
        if form.validate_on_submit():
            subscriptions.confirm(token)
            message = "confirmed"
        else:
            subscriptions.confirmation_language(token)  # checks the link before offering it
            message = None
    except subscriptions.LinkInvalid as error:
        raise _link_error(error) from None
    return render_template(
        "subscribe_done.html" if message else "subscribe_confirm.html",
        lang=lang,
        form=form,
        message=message,
        language_pages=_language_pages("subscriptions.confirm", token=token),
    )


@bp.route("/<lang:lang>/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(lang: str, token: str) -> str:
    try:
        subscriptions.check_unsubscribe_token(token)
    except subscriptions.LinkInvalid as error:
        raise _link_error(error) from None
    form = UnsubscribeForm()
    if request.method == "POST":
        if request.form.get(ONE_CLICK_FIELD) != ONE_CLICK_VALUE:
            # A browser's form, not a mail client's one click: CSRF as everywhere.
            csrf.protect()
        subscriptions.unsubscribe(token)
        return render_template(
            "subscribe_done.html",
            lang=lang,
            message="unsubscribed",
            language_pages=_language_pages("subscriptions.unsubscribe", token=token),
        )
    return render_template(
        "unsubscribe.html",
        lang=lang,
        form=form,
        language_pages=_language_pages("subscriptions.unsubscribe", token=token),
    )


# RFC 8058: mail clients post without a CSRF token; the token is the authority.
# The browser's form is still checked (above): only the one-click body is exempt.
csrf.exempt(unsubscribe)
