"""`GET /healthz`: 200 when the database answers, 503 when it does not, for
load balancers and monitoring. Never cached; during an outage's pause
(outage.py) it answers 503 at once, without waiting on the database."""

from __future__ import annotations

from flask import Blueprint, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db
from .outage import RETRY_AFTER, outage, record

bp = Blueprint("health", __name__)


def _unavailable() -> Response:
    response = Response("database unavailable\n", status=503, mimetype="text/plain")
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


@bp.get("/healthz")
def healthz() -> Response:
    if outage().ongoing():
        response = _unavailable()
    else:
        try:
            db.session.execute(text("SELECT 1"))
            response = Response("ok\n", status=200, mimetype="text/plain")
        except SQLAlchemyError as error:
            record(error)
            db.session.rollback()
            response = _unavailable()
    response.cache_control.no_store = True
    return response
