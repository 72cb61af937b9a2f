"""The project overview: who reads it, what each reader sees, and what it costs in queries."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from funding.models import FundSource
from funding.services import commitment_pledge
from partners.models import Organisation
from portal.timeline import (
    DONE,
    LATE,
    UPCOMING,
    indicator_chart,
    milestone_timeline,
    value_ticks,
)
from programme.models import AuthorisingAct, Project
from programme.services import project_transition
from programme.workflow import Act
from tests.factories import (
    AdminFactory,
    AllocationFactory,
    FundSourceFactory,
    IndicatorFactory,
    MeasurementFactory,
    MilestoneFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProjectFactory,
    RiskFactory,
    TransactionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = Project.Status
TODAY = timezone.localdate()


def overview_url(project) -> str:
    return reverse("portal:project", args=[project.pk])


def page(client, user, project, **headers):
    client.force_login(user)
    return client.get(overview_url(project), HTTP_ACCEPT_LANGUAGE="en", **headers)


def text(response) -> str:
    return response.content.decode()


def section(response, anchor: str) -> str:
    """The HTML of one section of the page, by its id."""
    match = re.search(
        rf'<section class="regia-section" id="{anchor}".*?</section>', text(response), re.S
    )
    return match.group(0) if match else ""


@pytest.fixture
def public_project(programme):
    """An approved project of the published programme: public."""
    project = ProjectFactory(programme=programme, title="Cloud for e-government")
    project_transition(project=project, to=S.UNDER_ASSESSMENT, actor=AdminFactory(), note="ready")
    project_transition(
        project=project,
        to=S.APPROVED,
        actor=AdminFactory(),
        act=Act(AuthorisingAct.GIUNTA, "12/2019", datetime.date(2019, 3, 1)),
    )
    project.refresh_from_db()
    return project


@pytest.fixture
def other_proposal(db):
    """A proposed project of another municipality's programme."""
    other = ProgrammeFactory(name="Prato Smart City", slug="prato-smart-city")
    return ProjectFactory(programme=other, title="Situation Room")


# Who reads the page


def test_anonymous_visitor_of_a_public_project_goes_to_its_public_page(client, public_project):
    response = client.get(overview_url(public_project))

    assert response.status_code == 302
    public_page = reverse("portal:public-project", args=[public_project.pk])
    assert response.headers["Location"] == public_page


def test_anonymous_visitor_of_a_proposal_is_asked_to_log_in(client, project):
    response = client.get(overview_url(project))

    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("login"))


def test_citizen_reads_a_public_project_without_risks_or_workflow_buttons(
    client, citizen, public_project
):
    RiskFactory(project=public_project, title="Supplier lock-in")

    response = page(client, citizen, public_project)

    assert response.status_code == 200
    assert "Cloud for e-government" in text(response)
    assert public_project.cup in text(response)
    assert "Supplier lock-in" not in text(response)
    assert 'id="risks"' not in text(response)
    workflow = section(response, "workflow")
    assert "You cannot move this project" in workflow
    assert "transition" not in workflow


def test_citizen_gets_404_on_a_proposal(client, citizen, project):
    assert page(client, citizen, project).status_code == 404


def test_manager_gets_404_on_a_proposal_of_another_programme(client, manager, other_proposal):
    assert page(client, manager, other_proposal).status_code == 404


def test_partner_reads_its_project_but_not_its_risks(client, partner_rep, project):
    RiskFactory(project=project, title="Supplier lock-in")

    response = page(client, partner_rep, project)

    assert response.status_code == 200
    assert "Open City platform" in text(response)
    assert "Supplier lock-in" not in text(response)
    assert 'id="risks"' not in text(response)


def test_manager_and_council_read_the_risks(client, manager, council_member, project):
    RiskFactory(project=project, title="Supplier lock-in", mitigation="Open standards")

    for user in (manager, council_member):
        response = page(client, user, project)
        assert "Supplier lock-in" in section(response, "risks")
        assert "Open standards" in section(response, "risks")


# Workflow buttons


def test_manager_sees_the_steps_they_may_take(client, manager, project):
    response = page(client, manager, project)

    workflow = section(response, "workflow")
    transition = reverse("programme:project-transition", args=[project.pk])
    assert f"{transition}?to=under_assessment" in workflow
    assert f"{transition}?to=cancelled" in workflow
    assert "needs the authorising act" in workflow
    assert "?to=approved" not in workflow  # not a step from "proposed"


def test_approval_without_cup_is_shown_unavailable_with_the_reason(client, manager, programme):
    project = ProjectFactory(programme=programme, cup="", status=S.UNDER_ASSESSMENT)

    workflow = section(page(client, manager, project), "workflow")

    assert "?to=approved" not in workflow
    assert "Needs a CUP" in workflow
    assert "?to=cancelled" in workflow


def test_project_manager_sees_no_step_and_the_reason(client, project_manager, project):
    workflow = section(page(client, project_manager, project), "workflow")

    assert "transition" not in workflow
    assert "You cannot move this project" in workflow
    assert "Only the programme&#x27;s managers move a project" in workflow


def test_a_closed_project_offers_no_step(client, manager, programme):
    project = ProjectFactory(programme=programme, status=S.COMPLETED)

    workflow = section(page(client, manager, project), "workflow")

    assert "no further step is possible" in workflow


def test_edit_links_only_for_who_may_change_the_project(
    client, manager, project_manager, council_member, project
):
    edit = reverse("programme:project-edit", args=[project.pk])
    assert edit in text(page(client, manager, project))
    assert edit in text(page(client, project_manager, project))
    assert edit not in text(page(client, council_member, project))


# Status history


def test_status_history_shows_who_when_and_the_act(client, manager, public_project):
    response = page(client, manager, public_project)

    history = section(response, "history")
    assert "Under assessment" in history
    assert "Approved" in history
    assert "12/2019" in history
    assert "Delibera di Giunta" in history
    assert "ready" in history


# Milestones


@pytest.fixture
def milestones(project):
    project.planned_start = TODAY - datetime.timedelta(days=400)
    project.planned_end = TODAY + datetime.timedelta(days=400)
    project.save()
    return [
        MilestoneFactory(
            project=project,
            title="Kick-off",
            due_on=TODAY - datetime.timedelta(days=300),
            completed_on=TODAY - datetime.timedelta(days=290),
        ),
        MilestoneFactory(
            project=project, title="Data platform", due_on=TODAY - datetime.timedelta(days=30)
        ),
        MilestoneFactory(
            project=project, title="Go live", due_on=TODAY + datetime.timedelta(days=100)
        ),
    ]


def test_timeline_draws_each_milestone_with_its_state_in_shape_and_words(
    client, manager, milestones, project
):
    response = page(client, manager, project)

    part = section(response, "milestones")
    svg = re.search(r"<svg class=\"regia-timeline\".*?</svg>", part, re.S).group(0)
    assert 'role="img"' in svg
    assert "<title" in svg
    assert svg.count("<polygon") == 3
    assert "regia-tl-done" in svg and "✓ done" in svg
    assert "regia-tl-late" in svg and "! late" in svg and 'fill="url(#regia-hatch)"' in svg
    assert "regia-tl-upcoming" in svg and "to do" in svg
    assert "regia-tl-today" in svg
    # Marking a milestone done with htmx redraws the chart and the progress in place.
    assert 'hx-trigger="milestonesChanged from:body"' in part
    assert 'id="project-progress"' in section(response, "facts")
    # Coordinates are plain numbers, whatever the language's decimal separator.
    assert not re.search(r'(x|y|width)="\d+,\d', svg)
    # The same data as a table.
    table = re.search(
        r'<table class="table regia-table" id="milestone-table".*?</table>', part, re.S
    )
    assert table.group(0).count('<tr id="milestone-') == 3
    for state in ("Done", "Late", "To do"):
        assert state in table.group(0)


def test_milestone_actions_only_for_who_may_change(
    client, project_manager, partner_rep, milestones, project
):
    complete = reverse("programme:milestone-complete", args=[milestones[1].pk])

    assert complete in text(page(client, project_manager, project))
    assert complete not in text(page(client, partner_rep, project))


def test_italian_page_keeps_svg_coordinates_plain(client, manager, milestones, project):
    client.force_login(manager)
    response = client.get(overview_url(project), HTTP_ACCEPT_LANGUAGE="it")

    svg = re.search(r"<svg class=\"regia-timeline\".*?</svg>", text(response), re.S).group(0)
    assert not re.search(r'(x|y|x1|x2|width)="\d+,\d', svg)
    assert "oggi" in svg


# Indicators


def test_indicator_shows_baseline_target_chart_and_table(client, manager, project):
    indicator = IndicatorFactory(
        project=project, name="PUE", unit="PUE", baseline=Decimal("2.1"), target=Decimal("1.5")
    )
    MeasurementFactory(
        indicator=indicator, measured_on=datetime.date(2020, 12, 31), value=Decimal("1.9")
    )
    MeasurementFactory(
        indicator=indicator,
        measured_on=datetime.date(2022, 12, 31),
        value=Decimal("1.7"),
        note="after the cooling upgrade",
    )

    part = section(page(client, manager, project), "indicators")

    assert "Baseline: 2.1 PUE" in part
    assert "Target: 1.5 PUE" in part
    assert 'class="regia-line-chart"' in part
    assert "<polyline" in part
    assert "1.9" in part and "1.7" in part
    assert "after the cooling upgrade" in part


def test_measurement_notes_are_for_the_projects_people(client, citizen, public_project):
    indicator = IndicatorFactory(project=public_project)
    MeasurementFactory(indicator=indicator, note="internal remark")

    part = section(page(client, citizen, public_project), "indicators")

    assert "12" in part
    assert "internal remark" not in part


# Organisations and money


def test_participating_organisations_and_roles(client, manager, project):
    part = section(page(client, manager, project), "organisations")

    assert "Gida S.p.A." in part
    assert "Co-financer" in part
    assert "Lead" in part


def test_money_keeps_private_investment_apart_and_sums_spending(client, manager, project):
    miur = FundSourceFactory(programme=project.programme, name="MIUR call")
    tlc = FundSourceFactory(
        programme=project.programme,
        name="Telecom fibre",
        kind=FundSource.Kind.PRIVATE_INVESTMENT,
    )
    AllocationFactory(fund_source=miur, project=project, year=2024, amount=Decimal("100000"))
    AllocationFactory(fund_source=miur, project=project, year=2025, amount=Decimal("50000"))
    AllocationFactory(fund_source=tlc, project=project, year=2024, amount=Decimal("13000000"))
    TransactionFactory(project=project, phase="impegno", amount=Decimal("80000"))

    part = section(page(client, manager, project), "money")

    assert "150,000.00" in part  # planned in the budget: MIUR only
    assert "13,000,000.00" in part
    assert "Private investment, reported beside the budget" in part
    assert "2024–2025" in part
    assert "80,000.00" in part


def test_partner_sees_its_pledge_but_not_another_partners(client, partner_rep, partner, project):
    other = OrganisationFactory(name="Citelum", kind=Organisation.Kind.COMPANY)
    admin = AdminFactory()
    commitment_pledge(
        actor=admin,
        organisation=partner,
        project=project,
        year=2024,
        kind="cash_transfer",
        amount=Decimal("40000"),
    )
    commitment_pledge(
        actor=admin,
        organisation=other,
        project=project,
        year=2024,
        kind="cash_transfer",
        amount=Decimal("70000"),
    )

    part = section(page(client, partner_rep, project), "money")

    assert "Gida S.p.A." in part
    assert "40,000.00" in part
    assert "Citelum" not in part
    assert "70,000.00" not in part


# Query count


@pytest.mark.parametrize("count", [10, 100])
def test_overview_query_count_does_not_grow_with_milestones(
    client, manager, project, django_assert_max_num_queries, count
):
    for n in range(count):
        MilestoneFactory(
            project=project,
            due_on=datetime.date(2019, 1, 1) + datetime.timedelta(days=7 * n),
            completed_on=datetime.date(2019, 1, 2) if n % 3 == 0 else None,
        )
    for n in range(3):
        indicator = IndicatorFactory(project=project)
        for year in range(2019, 2019 + n + 2):
            MeasurementFactory(indicator=indicator, measured_on=datetime.date(year, 6, 30))
        RiskFactory(project=project)
    client.force_login(manager)

    with django_assert_max_num_queries(24):
        response = client.get(overview_url(project))

    assert response.status_code == 200
    assert text(response).count('<tr id="milestone-') == count


# The geometry, alone


class M:
    """Just what the timeline reads of a milestone."""

    def __init__(self, pk, due_on, completed_on=None):
        self.pk, self.due_on, self.completed_on = pk, due_on, completed_on


def test_timeline_rows_states_and_positions():
    today = datetime.date(2024, 6, 15)
    timeline = milestone_timeline(
        [
            M(2, datetime.date(2024, 9, 1)),
            M(1, datetime.date(2024, 3, 1), completed_on=datetime.date(2024, 3, 20)),
            M(3, datetime.date(2024, 5, 1)),
        ],
        planned_start=datetime.date(2024, 1, 1),
        planned_end=datetime.date(2024, 12, 31),
        today=today,
    )

    assert [row.state for row in timeline.rows] == [DONE, LATE, UPCOMING]
    assert [row.milestone.pk for row in timeline.rows] == [1, 3, 2]
    xs = [row.due_x for row in timeline.rows]
    assert xs == sorted(xs)
    assert timeline.plot_left <= xs[0] and xs[-1] <= timeline.plot_right
    assert timeline.rows[0].done_x > timeline.rows[0].due_x  # done after its due date
    assert timeline.rows[1].bar_x == timeline.rows[0].due_x  # work follows the previous one
    assert timeline.today_x is not None and xs[1] < timeline.today_x < xs[2]
    # A year: every month labelled, the year once at its start.
    assert timeline.by_months
    assert [t.day.year for t in timeline.year_ticks] == [2024, 2025]


def test_timeline_widens_to_hold_late_milestones_and_hides_today_outside():
    timeline = milestone_timeline(
        [M(1, datetime.date(2023, 2, 10))],
        planned_start=datetime.date(2019, 1, 1),
        planned_end=datetime.date(2021, 12, 31),
        today=datetime.date(2030, 1, 1),
    )

    assert timeline.end > datetime.date(2023, 2, 10)
    assert timeline.today_x is None
    assert not timeline.by_months  # four years: quarters, unlabelled


def test_timeline_without_dates_still_draws():
    timeline = milestone_timeline(
        [M(1, datetime.date(2024, 5, 5))],
        planned_start=None,
        planned_end=None,
        today=datetime.date(2024, 5, 5),
    )

    assert timeline.start <= datetime.date(2024, 5, 5) < timeline.end
    assert len(timeline.rows) == 1


def test_indicator_chart_scales_values_between_the_ticks():
    class Meas:
        def __init__(self, day, value):
            self.measured_on, self.value = day, Decimal(value)

    chart = indicator_chart(
        [Meas(datetime.date(2021, 1, 1), "8"), Meas(datetime.date(2020, 1, 1), "2")],
        baseline=Decimal("0"),
        target=Decimal("40"),
    )

    assert [p.value for p in chart.points] == [Decimal("2"), Decimal("8")]
    assert chart.points[0].x < chart.points[1].x
    assert chart.target_y < chart.points[1].y < chart.points[0].y < chart.baseline_y
    assert chart.baseline_y == chart.plot_bottom and chart.target_y == chart.plot_top
    assert indicator_chart([], baseline=Decimal(0), target=Decimal(1)) is None


def test_value_ticks_are_round_numbers_covering_the_values():
    assert value_ticks(Decimal("0"), Decimal("40")) == [0, 10, 20, 30, 40]
    assert value_ticks(Decimal("1.5"), Decimal("2.1")) == [
        Decimal("1.4"),
        Decimal("1.6"),
        Decimal("1.8"),
        Decimal("2"),
        Decimal("2.2"),
    ]


def test_overview_selector_for_a_visitor_has_no_risks(public_project):
    from portal.project_overview import project_overview

    project = Project.objects.with_progress().get(pk=public_project.pk)
    overview = project_overview(AnonymousUser(), project)

    assert overview.risks is None
    assert not overview.can_move and overview.move_reason
    assert all(not step.allowed for step in overview.steps)


def test_user_factory_user_without_role_reads_public_project(client, public_project):
    response = page(client, UserFactory(), public_project)
    assert response.status_code == 200
