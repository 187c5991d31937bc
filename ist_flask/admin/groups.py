"""The editor's pages for topics and organisations: list, create, edit."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from ..caching import content_changed
from ..content import make_slug
from ..extensions import db
from ..group_editing import GroupSlugTaken, save_organisation, save_topic
from ..group_models import Organisation, Topic
from ..group_queries import all_organisations, all_topics
from ..i18n import supported_languages
from ..models import ID_MAX
from . import bp
from .access import EDITORS, allow
from .group_forms import (
    OrganisationFormBase,
    TopicFormBase,
    organisation_form_class,
    topic_form_class,
)
from .sign_in_forms import ConfirmForm

GROUP_ID = f"<int(max={ID_MAX}):group_id>"
Page = str | Response | tuple[str, int]


@bp.get("/topics")
@allow(EDITORS)
def topics() -> str:
    return render_template(
        "admin/groups.html",
        kind="topic",
        groups=all_topics(),
        languages=supported_languages(),
        logout_form=ConfirmForm(),
    )


@bp.get("/organisations")
@allow(EDITORS)
def organisations() -> str:
    return render_template(
        "admin/groups.html",
        kind="organisation",
        groups=all_organisations(),
        languages=supported_languages(),
        logout_form=ConfirmForm(),
    )


def _group_editor(kind: str, form: TopicFormBase | OrganisationFormBase, group: object) -> str:
    return render_template(
        "admin/group_edit.html", kind=kind, form=form, group=group, logout_form=ConfirmForm()
    )


def _edit_topic(topic: Topic | None) -> Page:
    form = topic_form_class(supported_languages())()
    if not form.is_submitted() and topic is not None:
        for code, section in form.name_forms().items():
            own = topic.own_name(code)
            if own is not None:
                section.name.data, section.slug.data = own.name, own.slug
    if not form.validate_on_submit():
        page = _group_editor("topic", form, topic)
        return (page, 422) if form.is_submitted() else page
    names = {
        code: (section.name.data, section.slug.data or make_slug(section.name.data))
        for code, section in form.name_forms().items()
        if section.name.data
    }
    try:
        saved = save_topic(topic, names)
    except GroupSlugTaken as taken:
        assert taken.language is not None
        section = form.name_forms()[taken.language]
        section.slug.errors = [gettext("Another topic has this address: choose another slug.")]
        return _group_editor("topic", form, topic), 422
    content_changed()
    flash(gettext("Saved."))
    return redirect(url_for("admin.edit_topic", group_id=saved.id))


def _edit_organisation(organisation: Organisation | None) -> Page:
    form = organisation_form_class(supported_languages())()
    if not form.is_submitted() and organisation is not None:
        form.slug.data, form.name.data = organisation.slug, organisation.name
        form.country.data = organisation.country or ""
        form.web_address.data = organisation.web_address or ""
        for own in organisation.names:
            if own.language in form.names():
                form.names()[own.language].data = own.name
    if not form.validate_on_submit():
        page = _group_editor("organisation", form, organisation)
        return (page, 422) if form.is_submitted() else page
    try:
        saved = save_organisation(
            organisation,
            form.slug.data,
            form.name.data,
            (form.country.data or "").upper() or None,
            form.web_address.data or None,
            {code: field.data or "" for code, field in form.names().items()},
        )
    except GroupSlugTaken:
        form.slug.errors = [gettext("Another organisation has this address: choose another slug.")]
        return _group_editor("organisation", form, organisation), 422
    content_changed()
    flash(gettext("Saved."))
    return redirect(url_for("admin.edit_organisation", group_id=saved.id))


@bp.route("/topics/new", methods=["GET", "POST"])
@allow(EDITORS)
def new_topic() -> Page:
    return _edit_topic(None)


@bp.route(f"/topics/{GROUP_ID}/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit_topic(group_id: int) -> Page:
    return _edit_topic(db.get_or_404(Topic, group_id))


@bp.route("/organisations/new", methods=["GET", "POST"])
@allow(EDITORS)
def new_organisation() -> Page:
    return _edit_organisation(None)


@bp.route(f"/organisations/{GROUP_ID}/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit_organisation(group_id: int) -> Page:
    return _edit_organisation(db.get_or_404(Organisation, group_id))
