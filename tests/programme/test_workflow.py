"""The project workflow: every allowed step is taken and recorded, every other step refused."""

import datetime
from itertools import product

import pytest
from django.core.exceptions import ValidationError

from core.models import AuditEntry
from programme.models import AuthorisingAct, Project, ProjectParticipation, StatusChange
from programme.services import PROJECT_STEPS_NEEDING_ACT, PROJECT_TRANSITIONS, project_create
from programme.services import project_transition as transition
from programme.workflow import Act, status_history
from tests.factories import OrganisationFactory, ProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

S = Project.Status
GIUNTA_ACT = Act(kind=AuthorisingAct.GIUNTA, number="142", date=datetime.date(2019, 3, 12))
ALLOWED = [
    (current, target) for current, targets in PROJECT_TRANSITIONS.items() for target in targets
]
REFUSED = [
    (current, target)
    for current, target in product(S.values, repeat=2)
    if target not in PROJECT_TRANSITIONS[current]
]


def _ids(pairs):
    return [f"{current}->{target}" for current, target in pairs]


def _project_audit(project):
    return AuditEntry.objects.filter(target_type="programme.project", target_id=str(project.pk))


def assert_nothing_changed(project):
    stored = Project.objects.values().get(pk=project.pk)
    assert stored == {field: getattr(project, field) for field in stored}
    assert not StatusChange.objects.exists()
    assert not AuditEntry.objects.exists()


def test_workflow_map_names_every_status():
    assert set(PROJECT_TRANSITIONS) == set(S.values)
    assert all(set(targets) <= set(S.values) for targets in PROJECT_TRANSITIONS.values())


@pytest.mark.parametrize(("current", "target"), ALLOWED, ids=_ids(ALLOWED))
def test_allowed_step_moves_the_project_and_records_who_when_and_why(current, target, manager):
    project = ProjectFactory(status=current)
    act = GIUNTA_ACT if target in PROJECT_STEPS_NEEDING_ACT else None

    transition(project=project, to=target, actor=manager, note="Working group of 12 May", act=act)

    assert Project.objects.get(pk=project.pk).status == target
    change = status_history(project).get()
    assert (change.from_status, change.to_status, change.actor, change.note) == (
        current,
        target,
        manager,
        "Working group of 12 May",
    )
    if act:
        assert (change.act_kind, change.act_number, change.act_date) == (
            "delibera_giunta",
            "142",
            datetime.date(2019, 3, 12),
        )
        assert change.act_label == "Delibera di Giunta no. 142 of March 12, 2019"
    else:
        assert (change.act_kind, change.act_number, change.act_date) == ("", "", None)
    entry = _project_audit(project).get()
    assert (entry.verb, entry.actor, entry.data) == (
        "project.transitioned",
        manager,
        {"from": current, "to": target, "act": act and act.number},
    )


@pytest.mark.parametrize(("current", "target"), REFUSED, ids=_ids(REFUSED))
def test_refused_step_says_why_and_changes_nothing(current, target, manager):
    project = ProjectFactory(status=current)

    with pytest.raises(ValidationError) as error:
        transition(project=project, to=target, actor=manager, note="Try it", act=GIUNTA_ACT)

    assert error.value.messages == [
        f"The status cannot go from “{S(current).label}” to “{S(target).label}”."
    ]
    assert_nothing_changed(project)


def test_unknown_status_is_refused(manager):
    project = ProjectFactory(status=S.APPROVED)

    with pytest.raises(ValidationError, match="Unknown status “archived”"):
        transition(project=project, to="archived", actor=manager)

    assert_nothing_changed(project)


@pytest.mark.parametrize(
    ("current", "target"), [(S.UNDER_ASSESSMENT, S.APPROVED), (S.PROPOSED, S.CANCELLED)]
)
def test_approval_and_cancellation_need_the_authorising_act(current, target, manager):
    project = ProjectFactory(status=current)

    with pytest.raises(ValidationError) as error:
        transition(project=project, to=target, actor=manager, note="Decided")

    assert error.value.code == "act_required"
    assert "needs its authorising act" in error.value.messages[0]
    assert_nothing_changed(project)


def test_approval_needs_the_cup(manager):
    project = ProjectFactory(status=S.UNDER_ASSESSMENT, cup="")

    with pytest.raises(ValidationError) as error:
        transition(project=project, to=S.APPROVED, actor=manager, act=GIUNTA_ACT)

    assert error.value.messages == ["A project needs its CUP before it can be approved."]
    assert_nothing_changed(project)


@pytest.mark.parametrize("note", ["", "   \n"])
@pytest.mark.parametrize("current", [S.APPROVED, S.IN_PROGRESS])
def test_suspension_needs_a_note(current, note, manager):
    project = ProjectFactory(status=current)

    with pytest.raises(ValidationError) as error:
        transition(project=project, to=S.SUSPENDED, actor=manager, note=note)

    assert error.value.messages == ["Say why the project is suspended."]
    assert_nothing_changed(project)


@pytest.mark.parametrize(
    ("kind", "number"), [("ordinanza", "12"), (AuthorisingAct.DETERMINA, "  ")]
)
def test_act_needs_a_known_kind_and_a_number(kind, number):
    with pytest.raises(ValidationError):
        Act(kind=kind, number=number, date=datetime.date(2019, 3, 12))


def test_act_without_a_date_is_refused_with_a_clear_message(manager):
    project = ProjectFactory(status=S.UNDER_ASSESSMENT)
    with pytest.raises(ValidationError):
        transition(
            project=project,
            to=S.APPROVED,
            actor=manager,
            act=Act(kind=AuthorisingAct.GIUNTA, number="142", date=None),
        )

    project.refresh_from_db()
    assert project.status == S.UNDER_ASSESSMENT


def test_starting_sets_the_actual_start_and_completing_the_actual_end(manager):
    project = ProjectFactory(status=S.APPROVED)

    transition(project=project, to=S.IN_PROGRESS, actor=manager, on=datetime.date(2020, 2, 3))
    transition(project=project, to=S.COMPLETED, actor=manager, on=datetime.date(2021, 11, 30))

    project.refresh_from_db()
    assert (project.actual_start, project.actual_end) == (
        datetime.date(2020, 2, 3),
        datetime.date(2021, 11, 30),
    )


def test_resuming_after_a_suspension_keeps_the_first_actual_start(manager):
    project = ProjectFactory(status=S.IN_PROGRESS, actual_start=datetime.date(2020, 2, 3))

    transition(project=project, to=S.SUSPENDED, actor=manager, note="Supplier went bankrupt")
    transition(project=project, to=S.IN_PROGRESS, actor=manager, on=datetime.date(2020, 9, 1))

    project.refresh_from_db()
    assert project.actual_start == datetime.date(2020, 2, 3)
    assert [(c.from_status, c.to_status) for c in status_history(project)] == [
        (S.IN_PROGRESS, S.SUSPENDED),
        (S.SUSPENDED, S.IN_PROGRESS),
    ]


def test_a_whole_life_is_told_by_the_status_history(programme, manager):
    project = project_create(
        actor=manager,
        programme=programme,
        title="Cloud for e-government",
        lead_organisation=programme.owner,
        cup="J41H13000290007",
    )
    for target, act in [
        (S.UNDER_ASSESSMENT, None),
        (S.APPROVED, GIUNTA_ACT),
        (S.IN_PROGRESS, None),
        (S.COMPLETED, None),
    ]:
        transition(project=project, to=target, actor=manager, act=act)

    assert [(c.from_status, c.to_status) for c in status_history(project)] == [
        ("", S.PROPOSED),
        (S.PROPOSED, S.UNDER_ASSESSMENT),
        (S.UNDER_ASSESSMENT, S.APPROVED),
        (S.APPROVED, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.COMPLETED),
    ]
    assert (
        list(_project_audit(project).order_by("pk").values_list("verb", flat=True))
        == ["project.created"] + ["project.transitioned"] * 4
    )


def test_proposing_a_project_makes_its_lead_take_part_as_lead(programme, manager):
    utility = OrganisationFactory(kind="utility")

    project = project_create(
        actor=manager,
        programme=programme,
        title="Situation Room",
        lead_organisation=programme.owner,
        participants={utility: ProjectParticipation.Role.DATA_PROVIDER, programme.owner: "partner"},
    )

    assert project.status == S.PROPOSED
    assert set(project.participations.values_list("organisation__name", "role")) == {
        (programme.owner.name, "lead"),
        (utility.name, "data_provider"),
    }
