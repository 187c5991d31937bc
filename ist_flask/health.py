"""`GET /healthz`: 200 when the database answers, 503 when it does not, for
load balancers and monitoring. Never cached."""

from __future__ import annotations

from flask import Blueprint, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    try:
        db.session.execute(text("SELECT 1"))
        response = Response("ok\n", status=200, mimetype="text/plain")
    except SQLAlchemyError:
        db.session.rollback()
        response = Response("database unavailable\n", status=503, mimetype="text/plain")
        response.headers["Retry-After"] = "30"
    response.cache_control.no_store = True
    return response
