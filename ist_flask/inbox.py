"""The actors' inboxes and the shared one: signed POSTs from other servers.

Verifying a signature needs the sender's public key, which lives on the
sender's server, and a request handler never makes a request of its own.
So: the Date (or `created`), the Digest (or Content-Digest) and the form of
the signature, draft-cavage or RFC 9421 (signed_posts.py), are checked at
once (401 when wrong); then, if the key is already known (fetched before by
the worker), the signature is checked and a Follow or Undo acted on at once;
if not, the activity is kept as it came (pending_activities) and a job is
queued for the worker, which fetches the key through the queue, checks the
signature against what was kept, and only then acts (activitypub_channel).
Anything but Follow and Undo(Follow) is answered 202 and ignored.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import abort, current_app, jsonify, request
from werkzeug.wrappers import Response

from . import channel_types, fediverse_queries, follows, signed_posts
from .activitypub import bp
from .actors import is_actor
from .channel_types import Delivery
from .extensions import csrf, db
from .fediverse_models import PendingActivity
from .http_signatures import SignatureError
from .security import SMALL_BODY_BYTES

# The largest activity taken: any anonymous request's (security.py). A Follow
# or an Undo is well under 1 KB; the Creates a server may send are ignored.
INBOX_MAX_BYTES = SMALL_BODY_BYTES
# Activities waiting for their sender's key at most; past it, 503 until the
# worker has caught up: what anonymous senders can make the site keep.
MAX_PENDING = 1000
# Seconds a sender is asked to wait when the job queue cannot be reached.
QUEUE_RETRY_AFTER = 60

# Servers sign what they POST here; the blueprint has no form to protect.
csrf.exempt(bp)


@bp.post("/ap/inbox", defaults={"name": None})
@bp.post("/ap/actors/<name>/inbox")
def inbox(name: str | None) -> Response | tuple[Response, int]:
    if name is not None and not is_actor(name):
        abort(404)
    body = _bounded_body()
    try:
        activity = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        # RecursionError: brackets nested tens of thousands deep.
        return _refused("the body is not JSON", 400)
    if not isinstance(activity, dict) or not isinstance(activity.get("type"), str):
        return _refused("the body is not an activity", 400)
    headers = {key.lower(): value for key, value in request.headers.items()}
    try:
        key_id = signed_posts.check(headers, body, datetime.now(UTC))
    except SignatureError as error:
        return _refused(str(error), 401)
    if not follows.is_follow_or_undo(activity):
        return _accepted()
    if not follows.is_url(activity.get("actor")) or not follows.is_url(key_id):
        return _refused("the activity's actor or the keyId is not a URL", 400)
    target = _request_target()
    sender = fediverse_queries.remote_actor(key_id)
    if sender is None:
        return _keep_for_the_worker(name, key_id, target, headers, body)
    try:
        signed_posts.verify(
            current_app.config["SITE_URL"], target, headers, body, sender.public_pem
        )
    except SignatureError as error:
        if not sender.is_fresh(datetime.now(UTC)):
            # The sender may have a new key: the worker fetches it again.
            return _keep_for_the_worker(name, key_id, target, headers, body)
        return _refused(str(error), 401)
    if sender.actor_id != activity["actor"]:
        return _refused("the key is not the actor's", 401)
    try:
        follows.apply(activity, sender)
    except channel_types.QueueUnavailable:
        # Not followed without its Accept: the sender tries again later.
        db.session.rollback()
        return _queue_away()
    return _accepted()


def _bounded_body() -> bytes:
    length = request.content_length
    if length is None:
        abort(411)
    if length > INBOX_MAX_BYTES:
        abort(413)
    return request.get_data(cache=False)


def _request_target() -> str:
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")


def _keep_for_the_worker(
    name: str | None, key_id: str, target: str, headers: dict[str, str], body: bytes
) -> Response | tuple[Response, int]:
    if fediverse_queries.pending_count() >= MAX_PENDING:
        response, status = _refused("too many activities wait for verification", 503)
        response.headers["Retry-After"] = "60"
        return response, status
    kept_headers = {key: value for key, value in headers.items() if len(value) <= 4096}
    pending = PendingActivity(
        actor_name=name or "",
        key_id=key_id,
        target=target,
        headers=json.dumps(kept_headers),
        body=body.decode("utf-8"),
        received_at=datetime.now(UTC),
    )
    db.session.add(pending)
    db.session.commit()
    delivery = Delivery(
        key=f"{follows.CHANNEL}:verify:{pending.id}",
        payload={"kind": "verify", "pending": pending.id},
    )
    try:
        channel_types.send(follows.CHANNEL, delivery)
    except channel_types.QueueUnavailable:
        # No job would ever take the row: the sender tries again later.
        db.session.delete(pending)
        db.session.commit()
        return _queue_away()
    return _accepted()


def _queue_away() -> tuple[Response, int]:
    response, status = _refused("the job queue is unavailable", 503)
    response.headers["Retry-After"] = str(QUEUE_RETRY_AFTER)
    return response, status


def _accepted() -> Response | tuple[Response, int]:
    return jsonify({}), 202


def _refused(reason: str, status: int) -> tuple[Response, int]:
    return jsonify({"error": reason}), status
