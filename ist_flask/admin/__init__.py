"""The editor at /admin: maintainers sign in, write, preview, publish and delete."""

from __future__ import annotations

from typing import cast

from flask import Blueprint, request
from flask_login import current_user
from werkzeug.wrappers import Response

from ..extensions import login_manager

bp = Blueprint("admin", __name__, url_prefix="/admin")

# Pages an anonymous visitor may see; every other /admin route needs a maintainer.
PUBLIC_ENDPOINTS = {"admin.login"}


@bp.before_request
def require_maintainer() -> Response | None:
    if request.endpoint in PUBLIC_ENDPOINTS or current_user.is_authenticated:
        return None
    return cast(Response, login_manager.unauthorized())


@bp.after_request
def never_cache(response: Response) -> Response:
    # Editor pages hold unpublished text: no proxy or browser cache may keep them.
    response.cache_control.no_store = True
    response.cache_control.private = True
    return response


from . import auth, groups, statements, subscribers  # noqa: E402, F401  (routes register on bp)
