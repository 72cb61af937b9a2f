"""The back office follows the API's access rules (docs/permissions.md).

A programme manager with the role group's model permissions sees, in the admin, what they may
read (their programmes' objects and what is public) and changes only what they manage; a
superuser keeps everything. Two municipalities: Livorno's programme is the manager's, Prato's
is not.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.audit import audit_record
from core.models import AuditEntry
from funding.models import Allocation, Commitment, Contract, FundSource, Transaction
from programme.models import Milestone, Programme, Project, Risk, StatusChange, ThematicArea
from tests.factories import (
    AdminFactory,
    AllocationFactory,
    CommitmentFactory,
    ContractFactory,
    FundSourceFactory,
    MilestoneFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProjectFactory,
    RiskFactory,
    ThematicAreaFactory,
    TransactionFactory,
)

S = Project.Status
MOVE_REFUSED = (
    "Only the programme's managers move a project through its workflow or choose its manager."
)


def admin_url(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def listed(client, model, **params) -> set[int]:
    response = client.get(admin_url(model, "changelist"), params)
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


def run_action(client, model, action: str, objects, **details):
    data = {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects], **details}
    return client.post(admin_url(model, "changelist"), data)


def sent_messages(response) -> list[tuple[int, str]]:
    return [(message.level, str(message)) for message in get_messages(response.wsgi_request)]


def form_data(response) -> dict:
    """What a change page sends back when saved untouched (its inlines included)."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            if isinstance(value, list | tuple):
                data[field.html_name] = [str(item) for item in value]
            else:
                data[field.html_name] = "on" if value is True else str(value)
    return data


@pytest.fixture
def back_office_manager(client, manager, english):
    """The manager of Livorno's programme, on the back office's staff, reading English."""
    manager.is_staff = True
    manager.save()
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def back_office_admin(client, db):
    client.force_login(AdminFactory())
    return client


@pytest.fixture
def prato(db) -> Programme:
    """Another municipality's programme, still a draft: nothing of it is public."""
    return ProgrammeFactory(
        name="Prato Smart City",
        owner=MunicipalityFactory(name="Comune di Prato"),
        status=Programme.Status.DRAFT,
    )


@pytest.fixture
def prato_project(prato) -> Project:
    return ProjectFactory(programme=prato, title="Prato air quality sensors")


@pytest.fixture
def public_prato_project(prato) -> Project:
    """A project of Prato's once it is published: public, so readable, yet not the manager's."""
    prato.status = Programme.Status.PUBLISHED
    prato.save()
    return ProjectFactory(programme=prato, title="Prato bike sharing", status=S.IN_PROGRESS)


def both(make, own_project, other_project) -> tuple:
    """One object made by ``make(project)`` in each programme: the manager's, then Prato's."""
    return make(own_project), make(other_project)


MAKERS = {
    Project: lambda project: project,
    Milestone: lambda project: MilestoneFactory(project=project),
    Risk: lambda project: RiskFactory(project=project),
    Commitment: lambda project: CommitmentFactory(project=project),
    FundSource: lambda project: FundSourceFactory(programme=project.programme),
    Allocation: lambda project: AllocationFactory(
        project=project, fund_source=FundSourceFactory(programme=project.programme)
    ),
    Contract: lambda project: ContractFactory(project=project),
    Transaction: lambda project: TransactionFactory(project=project),
}


@pytest.mark.parametrize("model", MAKERS, ids=lambda model: model.__name__)
def test_manager_lists_only_their_programmes_objects(
    back_office_manager, project, prato_project, model
):
    own, other = both(MAKERS[model], project, prato_project)

    shown = listed(back_office_manager, model)

    assert own.pk in shown
    assert other.pk not in shown


@pytest.mark.parametrize("model", MAKERS, ids=lambda model: model.__name__)
def test_superuser_lists_every_programmes_objects(back_office_admin, project, prato_project, model):
    own, other = both(MAKERS[model], project, prato_project)

    assert {own.pk, other.pk} <= listed(back_office_admin, model)


def test_manager_reads_what_is_public_elsewhere(back_office_manager, public_prato_project):
    assert public_prato_project.pk in listed(back_office_manager, Project)


def test_another_programmes_names_are_not_offered_in_the_filters(
    back_office_manager, project, prato_project
):
    response = back_office_manager.get(admin_url(Project, "changelist"))

    assert prato_project.programme.name not in response.content.decode()
    assert project.programme.name in response.content.decode()


def test_another_programmes_project_is_not_found(back_office_manager, prato_project):
    for view in ("change", "delete", "history"):
        response = back_office_manager.get(admin_url(Project, view, prato_project.pk))
        assert response.status_code == 404, view
    version = prato_project.history.first()
    response = back_office_manager.get(
        admin_url(Project, "simple_history", prato_project.pk, version.pk)
    )
    assert response.status_code == 404


def test_a_missing_object_is_not_found_either(back_office_manager, db):
    response = back_office_manager.get(admin_url(Project, "change", 999_999))

    assert response.status_code == 404


def test_superuser_opens_any_programmes_project(back_office_admin, prato_project):
    response = back_office_admin.get(admin_url(Project, "change", prato_project.pk))

    assert response.status_code == 200
    assert response.context["has_change_permission"]


def test_manager_changes_their_own_project(back_office_manager, project):
    url = admin_url(Project, "change", project.pk)
    response = back_office_manager.get(url)
    assert response.context["has_change_permission"]
    data = form_data(response)
    data["rup"] = "Ing. Paolo Bianchi"

    response = back_office_manager.post(url, data)

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.rup == "Ing. Paolo Bianchi"


def test_manager_reads_but_cannot_change_a_public_project_elsewhere(
    back_office_manager, public_prato_project
):
    url = admin_url(Project, "change", public_prato_project.pk)
    response = back_office_manager.get(url)
    assert response.status_code == 200
    assert not response.context["has_change_permission"]

    response = back_office_manager.post(url, {"title": "Renamed", "rup": "Someone else"})

    assert response.status_code == 403
    public_prato_project.refresh_from_db()
    assert public_prato_project.title == "Prato bike sharing"


def test_manager_cannot_move_their_project_into_another_programme(
    back_office_manager, project, public_prato_project
):
    url = admin_url(Project, "change", project.pk)
    data = form_data(back_office_manager.get(url))
    data["programme"] = str(public_prato_project.programme_id)

    response = back_office_manager.post(url, data)

    assert response.status_code == 200
    errors = " ".join(str(error) for error in response.context["adminform"].form.non_field_errors())
    assert "Only the project's manager and the programme's managers may change it." in errors
    project.refresh_from_db()
    assert project.programme_id != public_prato_project.programme_id


def test_manager_cannot_add_a_project_to_another_programme(
    back_office_manager, project, public_prato_project
):
    prato = public_prato_project.programme
    projects = Project.objects.count()

    response = back_office_manager.post(
        admin_url(Project, "add"),
        {
            "programme": prato.pk,
            "title": "Smuggled project",
            "lead_organisation": prato.owner_id,
            "rup": "Ing. Maria Rossi",
            "total_cost": "1000.00",
        },
    )

    assert response.status_code == 200
    errors = " ".join(str(error) for error in response.context["adminform"].form.non_field_errors())
    assert "Only the programme's managers propose projects in it." in errors
    assert Project.objects.count() == projects


def test_objects_outside_the_scope_are_not_offered_as_choices(
    back_office_manager, project, prato_project
):
    milestones = Milestone.objects.count()

    response = back_office_manager.post(
        admin_url(Milestone, "add"),
        {"project": prato_project.pk, "title": "Smuggled", "due_on": "2026-06-30", "weight": "1"},
    )

    assert response.status_code == 200
    assert "project" in response.context["adminform"].form.errors
    assert Milestone.objects.count() == milestones


def test_manager_runs_a_workflow_action_on_their_own_project(back_office_manager, project):
    response = run_action(back_office_manager, Project, "submit_for_assessment", [project])

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == S.UNDER_ASSESSMENT
    assert [level for level, _ in sent_messages(response)] == [messages.SUCCESS]


def test_manager_cannot_run_a_workflow_action_on_another_programmes_project(
    back_office_manager, public_prato_project
):
    audit_rows = AuditEntry.objects.count()

    response = run_action(back_office_manager, Project, "complete", [public_prato_project])

    assert response.status_code == 302
    assert sent_messages(response) == [(messages.ERROR, f"{public_prato_project}: {MOVE_REFUSED}")]
    public_prato_project.refresh_from_db()
    assert public_prato_project.status == S.IN_PROGRESS
    assert not StatusChange.objects.filter(object_id=public_prato_project.pk).exists()
    assert AuditEntry.objects.count() == audit_rows


def test_refused_objects_do_not_stop_the_others(
    back_office_manager, programme, public_prato_project
):
    own = ProjectFactory(programme=programme, status=S.IN_PROGRESS)

    response = run_action(back_office_manager, Project, "complete", [own, public_prato_project])

    assert sorted(sent_messages(response)) == [
        (messages.SUCCESS, "Complete the selected projects: done for 1 project."),
        (messages.ERROR, f"{public_prato_project}: {MOVE_REFUSED}"),
    ]
    own.refresh_from_db()
    public_prato_project.refresh_from_db()
    assert (own.status, public_prato_project.status) == (S.COMPLETED, S.IN_PROGRESS)


def test_an_action_on_a_project_outside_the_scope_changes_nothing(
    back_office_manager, prato_project
):
    audit_rows = AuditEntry.objects.count()

    run_action(back_office_manager, Project, "submit_for_assessment", [prato_project])

    prato_project.refresh_from_db()
    assert prato_project.status == S.PROPOSED
    assert AuditEntry.objects.count() == audit_rows


def test_manager_cannot_confirm_another_programmes_pledge(
    back_office_manager, public_prato_project
):
    pledge = CommitmentFactory(project=public_prato_project)

    run_action(
        back_office_manager,
        Commitment,
        "confirm",
        [pledge],
        apply="yes",
        act_reference="Delibera CdA n. 1",
    )

    pledge.refresh_from_db()
    assert pledge.status == Commitment.Status.PLEDGED


def test_manager_reads_but_does_not_rewrite_a_partners_pledge(back_office_manager, project):
    pledge = CommitmentFactory(project=project)

    response = back_office_manager.get(admin_url(Commitment, "change", pledge.pk))

    assert response.status_code == 200
    assert not response.context["has_change_permission"]


def test_rows_edited_in_a_list_are_judged_like_a_change_page(
    back_office_manager, programme, public_prato_project
):
    theirs = ThematicAreaFactory(programme=public_prato_project.programme, position=1)
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(theirs.pk),
        "form-0-position": "7",
        "_save": "Save",
    }

    response = back_office_manager.post(admin_url(ThematicArea, "changelist"), data)

    assert response.status_code == 200
    [form] = response.context["cl"].formset.forms
    assert form.non_field_errors() == ["Only the programme's managers may do this."]
    theirs.refresh_from_db()
    assert theirs.position == 1


def test_rows_of_their_own_programme_are_edited_in_the_list(back_office_manager, programme):
    own = ThematicAreaFactory(programme=programme, position=1)
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(own.pk),
        "form-0-position": "7",
        "_save": "Save",
    }

    response = back_office_manager.post(admin_url(ThematicArea, "changelist"), data)

    assert response.status_code == 302
    own.refresh_from_db()
    assert own.position == 7


@pytest.fixture
def deleting_manager(back_office_manager, manager):
    """The manager, also allowed by model permission to delete milestones."""
    manager.user_permissions.add(
        Permission.objects.get(content_type__app_label="programme", codename="delete_milestone")
    )
    return back_office_manager


def test_manager_deletes_only_their_programmes_milestones(
    deleting_manager, project, public_prato_project
):
    own = MilestoneFactory(project=project)
    theirs = MilestoneFactory(project=public_prato_project)

    response = run_action(deleting_manager, Milestone, "delete_selected", [own, theirs], post="yes")

    assert response.status_code == 200
    assert f"{theirs}: Only the project's manager and the programme's managers may change it." in [
        str(refusal) for refusal in response.context["protected"]
    ]
    assert Milestone.objects.filter(pk__in=[own.pk, theirs.pk]).count() == 2
    response = deleting_manager.post(admin_url(Milestone, "delete", theirs.pk), {"post": "yes"})
    assert response.status_code == 403
    assert Milestone.objects.filter(pk=theirs.pk).exists()

    response = run_action(deleting_manager, Milestone, "delete_selected", [own], post="yes")

    assert response.status_code == 302
    assert not Milestone.objects.filter(pk=own.pk).exists()


@pytest.fixture
def audit_trail(project, prato_project, admin_user) -> tuple[AuditEntry, AuditEntry]:
    """An audit row about each programme's project."""
    return (
        audit_record(actor=admin_user, verb="project.updated", target=project),
        audit_record(actor=admin_user, verb="project.updated", target=prato_project),
    )


def test_manager_reads_only_their_programmes_audit_entries(back_office_manager, audit_trail):
    own, other = audit_trail

    shown = listed(back_office_manager, AuditEntry)

    assert own.pk in shown
    assert other.pk not in shown
    assert back_office_manager.get(admin_url(AuditEntry, "change", own.pk)).status_code == 200
    assert back_office_manager.get(admin_url(AuditEntry, "change", other.pk)).status_code == 404


def test_superuser_reads_every_audit_entry(back_office_admin, audit_trail):
    assert {entry.pk for entry in audit_trail} <= listed(back_office_admin, AuditEntry)


@pytest.mark.parametrize(
    "model", [Project, Milestone, Risk, Commitment, FundSource, Contract, AuditEntry]
)
def test_manager_changelists_run_no_query_per_row(back_office_manager, project, admin_user, model):
    def add_row():
        if model is AuditEntry:
            audit_record(actor=admin_user, verb="project.updated", target=project)
        elif model is Project:
            ProjectFactory(programme=project.programme)
        else:
            MAKERS[model](project)

    add_row()
    with CaptureQueriesContext(connection) as one_row:
        listed(back_office_manager, model)
    for _ in range(4):
        add_row()
    with CaptureQueriesContext(connection) as many_rows:
        listed(back_office_manager, model)

    assert len(many_rows) == len(one_row)
