"""Every editor route, whatever it is, refuses the roles it does not name
with 403, and the refused request changes nothing in the database.

The routes are read from the application's URL map, so a page added later
is checked without anyone remembering to list it here."""

from __future__ import annotations

import pytest
from admin_helpers import PASSWORD, csrf_token, sign_in
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect, text
from werkzeug.routing import Rule

from ist_flask.accounts import create_user
from ist_flask.admin import PUBLIC_ENDPOINTS
from ist_flask.admin.access import roles_allowed
from ist_flask.extensions import db
from ist_flask.roles import Role

# Any value that the route's converters accept: the role is checked before
# the view looks anything up, so the thing named need not exist.
SAMPLE = {"Integer": 1, "Unicode": "fr", "Path": "fr"}


def admin_rules(app: Flask) -> list[Rule]:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("admin.") and rule.endpoint not in PUBLIC_ENDPOINTS
    ]


def path_of(rule: Rule) -> str:
    values = {
        name: SAMPLE[type(converter).__name__.removesuffix("Converter")]
        for name, converter in rule._converters.items()
    }
    return rule.build(values, append_unknown=False)[1]  # type: ignore[index]


def everything(app: Flask) -> dict[str, object]:
    """Every table's rows, as text: what a refused request must leave alone."""
    with app.app_context():
        tables = sorted(
            name
            for name in inspect(db.engine).get_table_names()
            if not name.startswith(("translations_fts", "translations_search", "alembic"))
        )
        return {
            table: sorted(map(repr, db.session.execute(text(f"SELECT * FROM {table}")).all()))
            for table in tables
        }


def signed_in(app: Flask, email: str, role: Role, languages: tuple[str, ...] = ()) -> FlaskClient:
    with app.app_context():
        create_user(email, PASSWORD, role, languages)
    client = app.test_client()
    assert sign_in(client, email, PASSWORD).status_code == 302
    return client


@pytest.mark.parametrize(
    ("role", "languages"), [(Role.TRANSLATOR, ("fr",)), (Role.EDITOR, ())], ids=str
)
def test_each_route_refuses_the_roles_it_does_not_name_and_changes_nothing(
    app: Flask, role: Role, languages: tuple[str, ...]
) -> None:
    client = signed_in(app, f"{role}@example.org", role, languages)
    token = csrf_token(client, "/admin/")
    with app.test_request_context():
        refused = [rule for rule in admin_rules(app) if role not in roles_allowed(rule.endpoint)]
    assert refused, "some routes are closed to this role"
    before = everything(app)
    for rule in refused:
        path = path_of(rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token} if method == "POST" else None
            response = client.open(path, method=method, data=data)
            assert response.status_code == 403, (method, path, rule.endpoint)
    assert everything(app) == before


def test_the_roles_each_editor_route_admits() -> None:
    """The policy in one table: loosening a route is a visible change here."""
    from ist_flask import create_app  # the app's own routes, no test additions

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.test_request_context():
        policy = {
            rule.endpoint: "".join(sorted(r.value[0] for r in roles_allowed(rule.endpoint)))
            for rule in admin_rules(app)
        }
    for endpoint, roles in policy.items():
        assert "a" in roles, f"{endpoint}: admins may do everything"
    assert policy == EXPECTED_POLICY


# a: admin, e: editor, t: translator
EXPECTED_POLICY: dict[str, str] = {
    "admin.accounts_list": "a",
    "admin.audit_log": "a",
    "admin.bring_back": "ae",
    "admin.compare_revisions": "aet",
    "admin.create_preview": "ae",
    "admin.delete": "ae",
    "admin.delete_account": "a",
    "admin.deleted": "ae",
    "admin.desk": "aet",
    "admin.download_translation_file": "aet",
    "admin.edit": "ae",
    "admin.edit_account": "a",
    "admin.edit_organisation": "ae",
    "admin.edit_topic": "ae",
    "admin.index": "aet",
    "admin.logout": "aet",
    "admin.mark_translation_current": "aet",
    "admin.new": "ae",
    "admin.new_account": "a",
    "admin.new_organisation": "ae",
    "admin.new_topic": "ae",
    "admin.organisations": "ae",
    "admin.prefill_translation": "aet",
    "admin.queue": "aet",
    "admin.restore_revision": "ae",
    "admin.revisions_page": "aet",
    "admin.revoke_preview": "ae",
    "admin.subscribers": "ae",
    "admin.topics": "ae",
    "admin.translation_files": "aet",
    "admin.two_factor_sign_in": "aet",
    "admin.upload_translation_file": "aet",
}
