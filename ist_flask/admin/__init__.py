"""The editor at /admin: maintainers sign in, write, preview, publish and delete."""

from __future__ import annotations

from typing import cast

from flask import Blueprint, current_app, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from .. import roles
from ..extensions import login_manager
from ..two_factor import must_enrol
from .access import check_role

bp = Blueprint("admin", __name__, url_prefix="/admin")

# Pages an anonymous visitor may see; every other /admin route needs a
# maintainer whose role may open it (access.py).
PUBLIC_ENDPOINTS = {"admin.login", "admin.login_code"}
# What a maintainer kept to enrolment (IST_REQUIRE_2FA) may still open.
ENROLMENT_ENDPOINTS = {"admin.two_factor_sign_in", "admin.logout"}


@bp.before_request
def require_maintainer() -> Response | None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return cast(Response, login_manager.unauthorized())
    if request.endpoint not in ENROLMENT_ENDPOINTS and must_enrol(
        current_user, current_app.config["REQUIRE_2FA"]
    ):
        return redirect(url_for("admin.two_factor_sign_in"), 303)
    check_role()
    return None


@bp.context_processor
def role_rules() -> dict[str, object]:
    # Templates show only what the maintainer's role may do; access.py and
    # the views enforce it.
    return {
        "may_edit_statements": roles.may_edit_statements,
        "may_translate": roles.may_translate,
        "may_manage_accounts": roles.may_manage_accounts,
    }


@bp.after_request
def never_cache(response: Response) -> Response:
    # Editor pages hold unpublished text: no proxy or browser cache may keep them.
    response.cache_control.no_store = True
    response.cache_control.private = True
    return response


from . import (  # noqa: E402, F401  (routes register on bp)
    audit_log,
    auth,
    desk,
    groups,
    previews,
    queue,
    revisions,
    second_factor,
    statements,
    subscribers,
    translation_files,
    users,
)
