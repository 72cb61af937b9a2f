"""Every constraint of the programme's models: the database refuses the row, full_clean explains."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programme.models import Project, ProjectParticipation
from tests.core.constraints import (
    Violation,
    assert_database_refuses,
    assert_full_clean_explains,
    database_cases,
    declared_constraints,
    full_clean_cases,
)
from tests.factories import (
    ChallengeFactory,
    IndicatorFactory,
    MeasurementFactory,
    MilestoneFactory,
    MunicipalityFactory,
    PlanActionFactory,
    PlanFactory,
    PlanPhaseFactory,
    ProgrammeAssignmentFactory,
    ProgrammeFactory,
    ProjectFactory,
    ProjectParticipationFactory,
    RiskFactory,
    StatusChangeFactory,
    ThematicAreaFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _project(**fields):
    programme = ProgrammeFactory()
    return ProjectFactory.build(programme=programme, lead_organisation=programme.owner, **fields)


def _programme_ending_before_it_starts():
    return ProgrammeFactory.build(
        owner=MunicipalityFactory(),
        starts_on=datetime.date(2021, 1, 1),
        ends_on=datetime.date(2020, 12, 31),
    )


def _programme_with_a_taken_slug():
    return ProgrammeFactory.build(owner=MunicipalityFactory(), slug=ProgrammeFactory().slug)


def _same_assignment_twice():
    first = ProgrammeAssignmentFactory()
    return ProgrammeAssignmentFactory.build(
        user=first.user, programme=first.programme, role=first.role
    )


def _thematic_area_with_a_taken_name():
    first = ThematicAreaFactory()
    return ThematicAreaFactory.build(programme=first.programme, name=first.name)


def _weak_point_with_a_taken_name():
    first = ChallengeFactory()
    return ChallengeFactory.build(programme=first.programme, name=first.name)


def _plan_ending_before_it_starts():
    return PlanFactory.build(programme=ProgrammeFactory(), start_year=2021, end_year=2019)


def _plan_starting_in_the_last_century():
    return PlanFactory.build(programme=ProgrammeFactory(), start_year=1999, end_year=2001)


def _plan_phase_with_a_taken_name():
    first = PlanPhaseFactory()
    return PlanPhaseFactory.build(plan=first.plan, name=first.name)


def _project_with_a_taken_cup():
    return _project(cup=ProjectFactory().cup)


def _same_organisation_taking_part_twice():
    first = ProjectParticipationFactory()
    return ProjectParticipationFactory.build(
        project=first.project,
        organisation=first.organisation,
        role=ProjectParticipation.Role.DATA_PROVIDER,
    )


def _indicator_with_a_taken_name():
    first = IndicatorFactory()
    return IndicatorFactory.build(project=first.project, name=first.name)


def _two_measurements_on_one_day():
    first = MeasurementFactory()
    return MeasurementFactory.build(
        indicator=first.indicator, measured_on=first.measured_on, value=Decimal("13")
    )


def _status_change_with_half_an_act():
    return StatusChangeFactory.build(target=ProjectFactory(), actor=UserFactory(), act_number="")


VIOLATIONS = [
    Violation("programme_ends_after_start", _programme_ending_before_it_starts),
    Violation("Programme.slug", _programme_with_a_taken_slug),
    Violation("assignment_once_per_role", _same_assignment_twice),
    Violation("thematic_area_unique_name", _thematic_area_with_a_taken_name),
    Violation("challenge_unique_name", _weak_point_with_a_taken_name),
    Violation("plan_end_year_after_start", _plan_ending_before_it_starts),
    Violation("plan_start_year_plausible", _plan_starting_in_the_last_century),
    Violation("plan_phase_unique_name", _plan_phase_with_a_taken_name),
    Violation("project_total_cost_not_negative", lambda: _project(total_cost=Decimal("-0.01"))),
    Violation(
        "project_planned_end_after_start",
        lambda: _project(
            planned_start=datetime.date(2020, 1, 1), planned_end=datetime.date(2019, 1, 1)
        ),
    ),
    Violation(
        "project_actual_end_after_start",
        lambda: _project(
            actual_start=datetime.date(2020, 1, 1), actual_end=datetime.date(2019, 1, 1)
        ),
    ),
    Violation("project_cup_unique", _project_with_a_taken_cup),
    Violation("project_cup_format", lambda: _project(cup="J41-H130002900")),
    Violation(
        "project_cup_required_from_approval",
        lambda: _project(cup="", status=Project.Status.APPROVED),
        field_matter=False,
    ),
    Violation("participation_once_per_project", _same_organisation_taking_part_twice),
    Violation(
        "milestone_weight_positive",
        lambda: MilestoneFactory.build(project=ProjectFactory(), weight=0),
    ),
    Violation("indicator_unique_name", _indicator_with_a_taken_name),
    Violation("measurement_once_per_day", _two_measurements_on_one_day),
    Violation(
        "risk_likelihood_1_to_5", lambda: RiskFactory.build(project=ProjectFactory(), likelihood=6)
    ),
    Violation("risk_impact_1_to_5", lambda: RiskFactory.build(project=ProjectFactory(), impact=0)),
    Violation(
        "status_change_act_complete_or_absent", _status_change_with_half_an_act, field_matter=False
    ),
]

UNEXPLAINED: set[str] = set()


def test_every_constraint_of_the_programme_has_a_violation_case():
    assert declared_constraints("programme") == {v.constraint for v in VIOLATIONS}


@pytest.mark.parametrize("violation", database_cases(VIOLATIONS))
def test_database_refuses_a_row_breaking_the_constraint(violation):
    assert_database_refuses(violation)


@pytest.mark.parametrize(
    "violation",
    full_clean_cases(VIOLATIONS, unexplained=UNEXPLAINED, models_file="programme/models.py"),
)
def test_full_clean_says_what_is_wrong(violation):
    assert_full_clean_explains(violation)


@pytest.mark.parametrize("status", [Project.Status.PROPOSED, Project.Status.UNDER_ASSESSMENT])
def test_project_may_wait_for_its_cup_until_approval(status):
    project = _project(cup="", status=status)

    project.full_clean()
    project.save()

    assert Project.objects.get(pk=project.pk).cup == ""


def test_projects_without_cup_do_not_clash():
    _project(cup="").save()
    _project(cup="").save()

    assert Project.objects.filter(cup="").count() == 2


@pytest.mark.parametrize("status", Project.PUBLIC_STATUSES)
def test_database_refuses_a_public_project_without_cup(status):
    project = _project(cup="", status=status)

    with (
        pytest.raises(IntegrityError, match="project_cup_required_from_approval"),
        transaction.atomic(),
    ):
        project.save()


def test_plan_action_year_must_fall_within_the_plan():
    action = PlanActionFactory.build(phase=PlanPhaseFactory(), year=2022)

    with pytest.raises(ValidationError) as error:
        action.full_clean()

    assert error.value.message_dict["year"] == ["The year must fall within the plan (2019–2021)."]
