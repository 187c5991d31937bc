"""Which roles may open which editor page, checked before any view runs.

A view says who may open it with ``@allow(...)``; a view that says nothing is
for admins only, so a page added without thought is closed rather than open.
Rules that depend on what is asked for (a translator's languages) are the
view's, through roles.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn, TypeVar

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import Forbidden

from ..roles import ROLES, Role

View = TypeVar("View", bound=Callable[..., object])

EVERY_ROLE = frozenset(ROLES)
EDITORS = frozenset({Role.ADMIN, Role.EDITOR})
ADMINS_ONLY = frozenset({Role.ADMIN})


class NotYourRole(Forbidden):
    explanation = _l("Your account may not do this. An administrator can change its role.")


def allow(roles: frozenset[Role]) -> Callable[[View], View]:
    """Let ``roles`` open the decorated view (put it under ``@bp.route``)."""

    def mark(view: View) -> View:
        view.allowed_roles = roles  # type: ignore[attr-defined]
        return view

    return mark


def roles_allowed(endpoint: str | None) -> frozenset[Role]:
    view = current_app.view_functions.get(endpoint or "")
    return getattr(view, "allowed_roles", ADMINS_ONLY)


def check_role() -> None:
    """Refuse, with 403, a signed-in maintainer whose role may not open this page."""
    if current_user.role not in roles_allowed(request.endpoint):
        raise NotYourRole()


def refuse() -> NoReturn:
    """Refuse what a view found this maintainer may not do (roles.py said no)."""
    raise NotYourRole()
