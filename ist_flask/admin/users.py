"""The accounts screen, /admin/users, for admins only: list the accounts,
make one, change a role, delete one. The rules (the last admin stays, a
translator needs languages) are accounts.py's, for the commands too."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from .. import accounts
from ..account_models import User
from ..extensions import db
from ..models import ID_MAX
from ..roles import ROLE_NAMES, Role
from . import bp
from .access import ADMINS_ONLY, allow
from .account_forms import NewAccountForm, RoleForm
from .sign_in_forms import ConfirmForm

# Larger ids are no account, not a database error.
ACCOUNT_ID = f"<int(max={ID_MAX}):user_id>"


@bp.route("/users")
@allow(ADMINS_ONLY)
def accounts_list() -> str:
    return render_template(
        "admin/users.html",
        logout_form=ConfirmForm(),
        accounts=accounts.all_accounts(),
        role_names=ROLE_NAMES,
    )


@bp.route("/users/new", methods=["GET", "POST"])
@allow(ADMINS_ONLY)
def new_account() -> str | Response | tuple[str, int]:
    form = NewAccountForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                form.email.data or "",
                form.password.data or "",
                Role(form.role.data),
                form.languages.data or (),
                form.may_publish.data,
            )
        except accounts.AccountError as error:
            form.form_errors.append(str(error))
        else:
            flash(gettext("Made an account for %(address)s.", address=user.email))
            return redirect(url_for("admin.accounts_list"))
    page = render_template("admin/user_new.html", logout_form=ConfirmForm(), form=form)
    return (page, 400) if form.is_submitted() else page


def _role_form(user: User) -> RoleForm:
    return RoleForm(
        data={
            "role": user.role,
            "languages": sorted(user.language_codes),
            "may_publish": user.may_publish,
        }
    )


@bp.route(f"/users/{ACCOUNT_ID}", methods=["GET", "POST"])
@allow(ADMINS_ONLY)
def edit_account(user_id: int) -> str | Response | tuple[str, int]:
    user = db.get_or_404(User, user_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            # Through accounts.set_role, which ends their sessions and which
            # an audit log can hook: every change of role passes there.
            accounts.set_role(
                user.email, Role(form.role.data), form.languages.data or (), form.may_publish.data
            )
        except accounts.AccountError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            flash(gettext("Changed the role of %(address)s.", address=user.email))
            return redirect(url_for("admin.accounts_list"))
    elif not form.is_submitted():
        form = _role_form(user)
    page = render_template(
        "admin/user_edit.html",
        logout_form=ConfirmForm(),
        user=user,
        form=form,
        delete_form=ConfirmForm(),
    )
    return (page, 400) if form.is_submitted() else page


@bp.post(f"/users/{ACCOUNT_ID}/delete")
@allow(ADMINS_ONLY)
def delete_account(user_id: int) -> Response:
    user = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    email = user.email
    itself = user.id == current_user.id
    try:
        accounts.delete_user(email)
    except accounts.AccountError as error:
        db.session.rollback()
        flash(str(error))
        return redirect(url_for("admin.edit_account", user_id=user_id))
    flash(gettext("Deleted the account of %(address)s.", address=email))
    # An admin who deleted their own account is signed out with it.
    return redirect(url_for("admin.login" if itself else "admin.accounts_list"))
