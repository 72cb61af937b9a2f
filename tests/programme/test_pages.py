"""Browsing the programme: the projects list with its filters, the plans, the meetings."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from programme.models import Plan, Project
from tests.factories import (
    ChallengeFactory,
    DecisionFactory,
    MeetingFactory,
    MilestoneFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PlanActionFactory,
    PlanFactory,
    PlanPhaseFactory,
    ProgrammeFactory,
    ProjectFactory,
    ProjectParticipationFactory,
    ThematicAreaFactory,
)

pytestmark = pytest.mark.django_db

PROJECTS = reverse("programme:project-list")
PLANS = reverse("programme:plan-list")
MEETINGS = reverse("programme:meeting-list")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
S = Project.Status


class _Tables(HTMLParser):
    """The text of every table's cells, row by row, as a reader of the page gets them."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._depth = 0
        self._cell: list[str] | None = None
        self._cell_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._depth += 1
            if self._depth == 1:
                self.tables.append([])
        elif self._depth and tag == "tr" and self._cell is None:
            self.tables[-1].append([])
        elif self._depth and tag in ("td", "th") and self._cell is None:
            self._cell = []
        if self._cell is not None and tag in ("td", "th", "li", "p"):
            self._cell_depth += 1
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if self._cell is not None and tag in ("td", "th", "li", "p"):
            self._cell_depth -= 1
            self._cell.append(" ")
            if self._cell_depth == 0:
                self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
                self._cell = None
        if tag == "table":
            self._depth -= 1

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(response) -> list[list[list[str]]]:
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def listed_titles(response) -> set[str]:
    """The titles in the first column of the projects table (none when there is no table)."""
    found = tables(response)
    return {row[0] for row in found[0][1:]} if found else set()


def option_values(response, name: str) -> list[str]:
    select = re.search(
        rf'<select name="{name}"[^>]*>(.*?)</select>', response.content.decode(), re.S
    )
    return [value for value in re.findall(r'<option value="([^"]*)"', select.group(1)) if value]


# -- the world: Livorno's published programme, Prato's draft one --------------------------


@pytest.fixture
def telecom():
    return OrganisationFactory(name="Telecom Italia S.p.A.", short_name="Telecom Italia")


@pytest.fixture
def livorno(programme, project, partner, telecom):
    """Livorno's projects: ``project`` (proposed, with the partner), two public ones and a
    proposal the partner has no part in."""
    mobility = ThematicAreaFactory(programme=programme, name="Mobilità")
    services = ThematicAreaFactory(programme=programme, name="Servizi ai cittadini")
    participation = ChallengeFactory(programme=programme, name="Partecipazione")
    transport = ChallengeFactory(programme=programme, name="Sistemi di trasporto")
    project.thematic_area = services
    project.summary = "Piattaforma PRISMA per i dati della città"
    project.save()
    project.challenges.add(participation)
    cloud = ProjectFactory(
        programme=programme,
        title="Cloud for e-government",
        summary="Servizi in cloud per gli uffici comunali",
        status=S.APPROVED,
        thematic_area=services,
        cup="E42I13000080001",
        total_cost=Decimal("1234567.89"),
        planned_start=datetime.date(2013, 1, 1),
        planned_end=datetime.date(2014, 12, 31),
    )
    cloud.challenges.add(participation)
    fibre = ProjectFactory(
        programme=programme,
        title="Rete in fibra ottica",
        status=S.IN_PROGRESS,
        thematic_area=mobility,
        planned_start=datetime.date(2015, 1, 1),
        planned_end=datetime.date(2016, 6, 30),
    )
    fibre.challenges.add(transport)
    ProjectParticipationFactory(project=fibre, organisation=telecom, role="partner")
    hidden = ProjectFactory(programme=programme, title="Hidden proposal", status=S.PROPOSED)
    return {
        "open_city": project,
        "cloud": cloud,
        "fibre": fibre,
        "hidden": hidden,
        "mobility": mobility,
        "services": services,
        "participation": participation,
        "transport": transport,
    }


@pytest.fixture
def prato_draft(db):
    """Another municipality's draft programme: even its approved project is nobody's business
    but its own staff's."""
    prato = MunicipalityFactory(name="Comune di Prato")
    draft = ProgrammeFactory(
        name="Prato Situation Room", slug="prato-draft", owner=prato, status="draft"
    )
    area = ThematicAreaFactory(programme=draft, name="Sosta")
    room = ProjectFactory(
        programme=draft, title="Situation Room draft", status=S.APPROVED, thematic_area=area
    )
    ProjectParticipationFactory(project=room, organisation=prato, role="lead")
    return draft


def get_projects(client, user=None, **params):
    if user is not None:
        client.force_login(user)
    return client.get(PROJECTS, params, **EN)


# -- the projects list --------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_login_for_the_projects_list(client):
    response = client.get(PROJECTS)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "next=/projects/" in response.url


def test_manager_sees_every_project_of_their_programme_but_not_another_municipalitys_draft(
    client, manager, livorno, prato_draft
):
    response = get_projects(client, manager)

    assert response.status_code == 200
    assert listed_titles(response) == {
        "Open City platform",
        "Cloud for e-government",
        "Rete in fibra ottica",
        "Hidden proposal",
    }


def test_partner_sees_its_organisations_projects_and_the_public_ones(
    client, partner_rep, livorno, prato_draft
):
    response = get_projects(client, partner_rep)

    # Its organisation's proposal, and the public ones.
    assert listed_titles(response) == {
        "Open City platform",
        "Cloud for e-government",
        "Rete in fibra ottica",
    }


def test_citizen_sees_only_public_projects(client, citizen, livorno, prato_draft):
    response = get_projects(client, citizen)

    assert listed_titles(response) == {"Cloud for e-government", "Rete in fibra ottica"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({"programme": "innovare-livorno"}, {"open_city", "cloud", "fibre", "hidden"},
                     id="programme"),
        pytest.param({"thematic_area": "mobility"}, {"fibre"}, id="thematic-area"),
        pytest.param({"thematic_area": "services"}, {"open_city", "cloud"}, id="other-area"),
        pytest.param({"challenge": "participation"}, {"open_city", "cloud"}, id="weak-point"),
        pytest.param({"challenge": "transport"}, {"fibre"}, id="other-weak-point"),
        pytest.param({"status": S.IN_PROGRESS}, {"fibre"}, id="status"),
        pytest.param({"status": S.PROPOSED}, {"open_city", "hidden"}, id="status-proposed"),
        pytest.param({"organisation": "telecom"}, {"fibre"}, id="organisation"),
        pytest.param({"organisation": "partner"}, {"open_city"}, id="partner-organisation"),
        pytest.param({"year": 2014}, {"cloud"}, id="year-inside-span"),
        pytest.param({"year": 2016}, {"fibre"}, id="year-of-the-end"),
        pytest.param({"year": 2020}, {"open_city", "hidden"}, id="year-other-span"),
        pytest.param({"q": "e-government"}, {"cloud"}, id="search-title"),
        pytest.param({"q": "prisma"}, {"open_city"}, id="search-summary-any-case"),
        pytest.param({"q": "E42I13000080001"}, {"cloud"}, id="search-cup"),
        pytest.param({"q": "cloud comunali"}, {"cloud"}, id="search-every-word"),
        pytest.param({"q": "nothing like this"}, set(), id="search-no-match"),
        pytest.param({"status": S.PROPOSED, "thematic_area": "services"}, {"open_city"},
                     id="filters-combine"),
    ],
)  # fmt: skip
def test_each_filter_and_the_search_narrow_the_list(
    client, manager, livorno, partner, telecom, params, expected
):
    objects = {**livorno, "partner": partner, "telecom": telecom}
    query = {
        key: (objects[value].pk if key in {"thematic_area", "challenge", "organisation"} else value)
        for key, value in params.items()
    }

    response = get_projects(client, manager, **query)

    assert response.status_code == 200
    assert listed_titles(response) == {objects[key].title for key in expected}


def test_filters_offer_only_what_the_reader_may_see(
    client, partner_rep, livorno, prato_draft, telecom
):
    hidden_partner = OrganisationFactory(name="Nobody's partner")
    ProjectParticipationFactory(project=livorno["hidden"], organisation=hidden_partner)

    response = get_projects(client, partner_rep)

    programmes = option_values(response, "programme")
    areas = option_values(response, "thematic_area")
    organisations = option_values(response, "organisation")
    assert programmes == ["innovare-livorno"]
    assert str(livorno["mobility"].pk) in areas
    assert str(prato_draft.thematic_areas.get().pk) not in areas
    assert str(telecom.pk) in organisations
    assert str(hidden_partner.pk) not in organisations


def test_manager_of_one_municipality_is_not_offered_anothers_draft_programme(
    client, manager, livorno, prato_draft
):
    response = get_projects(client, manager)

    assert option_values(response, "programme") == ["innovare-livorno"]
    assert "Prato Situation Room" not in response.content.decode()


def test_asking_for_a_draft_programme_one_may_not_see_finds_nothing_and_says_why(
    client, manager, livorno, prato_draft
):
    response = get_projects(client, manager, programme="prato-draft")

    content = response.content.decode()
    assert response.status_code == 200
    assert listed_titles(response) == set()
    assert "Some filters are not valid" in content
    assert "Select a valid choice" in content
    assert "Situation Room draft" not in content


def test_a_year_out_of_range_is_refused_with_its_message(client, manager, livorno):
    response = get_projects(client, manager, year="1850")

    assert listed_titles(response) == set()
    assert "greater than or equal to 2000" in response.content.decode()


def test_projects_list_shows_status_cup_cost_progress_and_lead_in_italian(client, manager, livorno):
    cloud = livorno["cloud"]
    MilestoneFactory(project=cloud, weight=1, completed_on=datetime.date(2014, 1, 1))
    MilestoneFactory(project=cloud, weight=3)
    client.force_login(manager)

    response = client.get(PROJECTS, {"q": "e-government"}, HTTP_ACCEPT_LANGUAGE="it")

    header, row = tables(response)[0]
    assert header == [
        "Titolo", "Programma", "Area tematica", "Stato", "CUP", "Costo totale", "Avanzamento",
        "Organizzazione capofila",
    ]  # fmt: skip
    assert row == [
        "Cloud for e-government",
        "Innovare Livorno",
        "Servizi ai cittadini",
        "Approvato",
        "E42I13000080001",
        "1.234.567,89 €",
        "25,0%",
        "Comune di Livorno",
    ]
    content = response.content.decode()
    assert "1.234.567,89&nbsp;€" in content
    assert '<progress max="100" value="25.0"' in content
    assert f'href="{reverse("portal:project", args=[cloud.pk])}"' in content


def test_new_project_button_only_for_programme_managers(client, manager, partner_rep, livorno):
    create = reverse("programme:project-create")

    assert f'href="{create}"' in get_projects(client, manager).content.decode()
    assert f'href="{create}"' not in get_projects(client, partner_rep).content.decode()


@pytest.fixture
def many_in_progress(programme):
    return ProjectFactory.create_batch(30, programme=programme, status=S.IN_PROGRESS)


def test_pagination_shows_25_a_page_and_its_links_keep_the_filters(
    client, manager, livorno, many_in_progress
):
    ProjectFactory.create_batch(5, programme=livorno["cloud"].programme, status=S.COMPLETED)

    first = get_projects(client, manager, status=S.IN_PROGRESS)
    links = set(re.findall(r'class="page-link" href="([^"]+)"', first.content.decode()))
    second = client.get(PROJECTS + "?status=in_progress&page=2", **EN)

    assert len(listed_titles(first)) == 25
    assert "31 projects found" in first.content.decode()
    next_pages = [parse_qs(urlsplit(link.replace("&amp;", "&")).query) for link in links]
    assert {"status": ["in_progress"], "page": ["2"]} in next_pages
    assert len(tables(second)[0]) - 1 == 6  # the other 5 of the batch and the fibre network
    assert all(row[3] == "In progress" for row in tables(second)[0][1:])


def test_a_page_beyond_the_last_shows_the_last(client, manager, many_in_progress):
    response = get_projects(client, manager, page="99")

    assert response.status_code == 200
    assert len(listed_titles(response)) == 5  # 30 projects: the second page holds 5


def test_htmx_request_gets_only_the_results(client, manager, livorno):
    client.force_login(manager)

    response = client.get(PROJECTS, {"status": S.APPROVED}, HTTP_HX_REQUEST="true", **EN)

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert "<form" not in content
    assert listed_titles(response) == {"Cloud for e-government"}
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_pushes_an_address_with_only_the_chosen_filters(client, manager, many_in_progress):
    client.force_login(manager)
    form = {"q": "", "year": "", "programme": "", "status": S.IN_PROGRESS, "organisation": ""}

    response = client.get(PROJECTS, form, HTTP_HX_REQUEST="true", **EN)

    assert response.headers["HX-Push-Url"] == "/projects/?status=in_progress"
    assert 'href="?status=in_progress&amp;page=2"' in response.content.decode()


def test_page_without_htmx_has_the_filter_form_that_works_by_get(client, manager, livorno):
    content = get_projects(client, manager).content.decode()

    assert "<html" in content
    assert re.search(r'<form[^>]*method="get"[^>]*action="/projects/"', content)
    assert 'hx-get="/projects/"' in content
    assert 'hx-target="#project-results"' in content
    assert 'id="project-results"' in content


def test_htmx_restoring_history_gets_the_whole_page(client, manager, livorno):
    client.force_login(manager)

    response = client.get(
        PROJECTS, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true", **EN
    )

    assert "<html" in response.content.decode()


def test_projects_list_refuses_post(client, manager):
    client.force_login(manager)

    assert client.post(PROJECTS).status_code == 405


def _projects_with_everything(programme, partner, n: int) -> None:
    area = ThematicAreaFactory(programme=programme)
    challenge = ChallengeFactory(programme=programme)
    for project in ProjectFactory.create_batch(
        n, programme=programme, status=S.IN_PROGRESS, thematic_area=area
    ):
        project.challenges.add(challenge)
        ProjectParticipationFactory(project=project, organisation=partner)
        MilestoneFactory(project=project, completed_on=datetime.date(2020, 1, 1))
        MilestoneFactory(project=project)


@pytest.mark.parametrize("rows", [10, 100])
@pytest.mark.parametrize("who", ["manager", "partner_rep"])
def test_projects_list_query_count_does_not_grow_with_rows(
    client, programme, partner, rows, who, request, django_assert_max_num_queries
):
    user = request.getfixturevalue(who)
    _projects_with_everything(programme, partner, rows)
    client.force_login(user)

    with django_assert_max_num_queries(18):
        response = client.get(PROJECTS, {"status": S.IN_PROGRESS, "organisation": partner.pk})

    assert len(listed_titles(response)) == min(rows, 25)


# -- plans -----------------------------------------------------------------------------------


@pytest.fixture
def plan(programme, livorno):
    """A published three-year plan: two phases, actions in 2019 and 2021, a public project
    and a proposal linked to them."""
    plan = PlanFactory(
        programme=programme,
        title="Piano triennale",
        start_year=2019,
        end_year=2021,
        dup_period="2019–2021",
        status=Plan.Status.PUBLISHED,
    )
    data = PlanPhaseFactory(plan=plan, name="Condivisione dei dati", position=1)
    room = PlanPhaseFactory(plan=plan, name="Sala operativa", position=2)
    census = PlanActionFactory(
        phase=data, year=2019, title="Censimento dei dataset", thematic_area=livorno["mobility"]
    )
    census.projects.add(livorno["cloud"], livorno["hidden"])
    PlanActionFactory(phase=room, year=2021, title="Cruscotto della città")
    PlanActionFactory(phase=room, year=2020, title="Allestimento della sala")
    return plan


def plan_grid(response) -> dict[tuple[str, str], str]:
    """{(phase, year): the cell's text} of the plan's table."""
    header, *rows = tables(response)[0]
    return {
        (row[0], year): cell for row in rows for year, cell in zip(header[1:], row[1:], strict=True)
    }


def test_plan_grid_puts_each_action_under_its_phase_and_year(client, plan):
    response = client.get(reverse("programme:plan-detail", args=[plan.pk]), **EN)

    grid = plan_grid(response)
    assert response.status_code == 200
    assert set(grid) == {
        (phase, year)
        for phase in ("Condivisione dei dati", "Sala operativa")
        for year in ("2019", "2020", "2021")
    }
    assert "Censimento dei dataset" in grid["Condivisione dei dati", "2019"]
    assert "Mobilità" in grid["Condivisione dei dati", "2019"]
    assert "Allestimento della sala" in grid["Sala operativa", "2020"]
    assert "Cruscotto della città" in grid["Sala operativa", "2021"]
    assert grid["Condivisione dei dati", "2020"] == "—No action"
    assert "Cruscotto" not in grid["Sala operativa", "2020"]


def test_plan_shows_its_dup_period_and_status(client, plan):
    content = client.get(reverse("programme:plan-detail", args=[plan.pk]), **EN).content.decode()

    assert "2019–2021" in content
    assert "Published" in content


def test_plan_hides_linked_projects_the_reader_may_not_see(client, plan, livorno):
    url = reverse("programme:plan-detail", args=[plan.pk])

    anonymous = client.get(url, **EN).content.decode()
    assert "Cloud for e-government" in anonymous
    assert reverse("portal:public-project", args=[livorno["cloud"].pk]) in anonymous
    assert "Hidden proposal" not in anonymous


def test_plan_shows_the_managers_every_linked_project_with_a_link(client, manager, plan, livorno):
    client.force_login(manager)

    content = client.get(reverse("programme:plan-detail", args=[plan.pk]), **EN).content.decode()

    assert "Hidden proposal" in content
    assert reverse("portal:project", args=[livorno["hidden"].pk]) in content


def test_plan_edit_links_only_for_who_may_change_it(client, manager, council_member, plan):
    url = reverse("programme:plan-detail", args=[plan.pk])
    edit = reverse("programme:plan-edit", args=[plan.pk])
    create = reverse("programme:plan-create", args=[plan.programme.slug])

    anonymous = client.get(url).content.decode()
    client.force_login(council_member)
    council = client.get(url).content.decode()
    client.force_login(manager)
    managing = client.get(url).content.decode()
    managing_list = client.get(PLANS).content.decode()

    assert edit not in anonymous and create not in anonymous
    assert edit not in council and create not in council
    assert edit in managing and create in managing
    assert edit in managing_list and create in managing_list


@pytest.fixture
def draft_plans(programme, prato_draft):
    own_draft = PlanFactory(programme=programme, title="Bozza di Livorno", status="draft")
    others = PlanFactory(programme=prato_draft, title="Piano di Prato", status="published")
    return own_draft, others


def test_anonymous_reads_published_plans_of_published_programmes_only(client, plan, draft_plans):
    own_draft, others = draft_plans

    response = client.get(PLANS, **EN)

    assert response.status_code == 200
    titles = {row[0] for row in tables(response)[0][1:]}
    assert titles == {"Piano triennale"}
    assert client.get(reverse("programme:plan-detail", args=[own_draft.pk])).status_code == 404
    assert client.get(reverse("programme:plan-detail", args=[others.pk])).status_code == 404


def test_manager_reads_their_draft_plan_but_not_another_municipalitys(
    client, manager, plan, draft_plans
):
    own_draft, others = draft_plans
    client.force_login(manager)

    titles = {row[0] for row in tables(client.get(PLANS, **EN))[0][1:]}

    assert titles == {"Piano triennale", "Bozza di Livorno"}
    assert client.get(reverse("programme:plan-detail", args=[own_draft.pk])).status_code == 200
    assert client.get(reverse("programme:plan-detail", args=[others.pk])).status_code == 404


def test_plan_list_says_when_there_is_none(client):
    assert "There is no plan you may see yet." in client.get(PLANS, **EN).content.decode()


@pytest.mark.parametrize("rows", [10, 100])
def test_plan_pages_query_count_does_not_grow(
    client, manager, programme, rows, django_assert_max_num_queries
):
    plans = PlanFactory.create_batch(rows, programme=programme, status="published")
    phase = PlanPhaseFactory(plan=plans[0])
    for year in (2019, 2020, 2021):
        for action in PlanActionFactory.create_batch(rows // 3, phase=phase, year=year):
            action.projects.add(ProjectFactory(programme=programme, status=S.APPROVED))
    client.force_login(manager)

    with django_assert_max_num_queries(12):
        listing = client.get(PLANS)
    with django_assert_max_num_queries(12):
        detail = client.get(reverse("programme:plan-detail", args=[plans[0].pk]))

    assert len(tables(listing)[0]) - 1 == rows
    assert detail.status_code == 200


# -- meetings --------------------------------------------------------------------------------


@pytest.fixture
def meeting(programme, livorno, partner, telecom):
    meeting = MeetingFactory(
        programme=programme,
        title="Smart Living Lab",
        held_on=datetime.date(2018, 12, 13),
        place="Livorno, sala consiliare",
        minutes="Laboratorio con le utilities del territorio.",
    )
    meeting.participants.set([programme.owner, partner, telecom])
    DecisionFactory(
        meeting=meeting,
        text="Censire i dataset dei partner.",
        project=livorno["cloud"],
        responsible=partner,
        due_on=datetime.date(2019, 6, 30),
        position=1,
    )
    DecisionFactory(
        meeting=meeting,
        text="Preparare il cruscotto.",
        responsible=telecom,
        due_on=datetime.date(2999, 1, 31),
        position=2,
    )
    return meeting


def test_meetings_are_read_by_the_programmes_managers_and_council(
    client, manager, council_member, meeting
):
    for user in (manager, council_member):
        client.force_login(user)

        listing = client.get(MEETINGS, **EN)
        detail = client.get(reverse("programme:meeting-detail", args=[meeting.pk]), **EN)

        _header, row = tables(listing)[0]
        assert row[:4] == [
            "Smart Living Lab", "Dec. 13, 2018", "Livorno, sala consiliare", "Innovare Livorno"
        ]  # fmt: skip
        assert row[5] == "2"
        assert detail.status_code == 200


@pytest.mark.parametrize("who", ["partner_rep", "citizen", "project_manager"])
def test_meetings_are_hidden_from_partners_citizens_and_project_managers(
    client, meeting, who, request
):
    client.force_login(request.getfixturevalue(who))

    listing = client.get(MEETINGS, **EN)
    detail = client.get(reverse("programme:meeting-detail", args=[meeting.pk]))

    assert listing.status_code == 200
    assert "Smart Living Lab" not in listing.content.decode()
    assert "There is no working-group meeting you may see." in listing.content.decode()
    assert detail.status_code == 404


def test_meetings_of_another_municipality_are_hidden_from_a_manager(client, manager, prato_draft):
    theirs = MeetingFactory(programme=prato_draft, title="Riunione di Prato")
    client.force_login(manager)

    assert "Riunione di Prato" not in client.get(MEETINGS).content.decode()
    assert client.get(reverse("programme:meeting-detail", args=[theirs.pk])).status_code == 404


def test_anonymous_visitor_is_sent_to_login_for_meetings(client, meeting):
    for url in (MEETINGS, reverse("programme:meeting-detail", args=[meeting.pk])):
        response = client.get(url)

        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_meeting_shows_participants_minutes_and_decisions_with_late_ones_marked(
    client, council_member, meeting, livorno, partner
):
    client.force_login(council_member)

    response = client.get(reverse("programme:meeting-detail", args=[meeting.pk]), **EN)

    content = response.content.decode()
    assert "Laboratorio con le utilities del territorio." in content
    assert "Telecom Italia S.p.A." in content
    assert reverse("portal:organisation", args=[partner.pk]) in content
    header, late, pending = tables(response)[0]
    assert header == ["Decision", "Project concerned", "Responsible organisation", "Due by"]
    assert late == [
        "Censire i dataset dei partner.",
        "Cloud for e-government",
        "Gida S.p.A.",
        "June 30, 2019 past due",
    ]
    assert pending == ["Preparare il cruscotto.", "—", "Telecom Italia S.p.A.", "Jan. 31, 2999"]
    assert reverse("portal:project", args=[livorno["cloud"].pk]) in content


def test_meeting_does_not_link_a_project_the_reader_may_not_see(
    client, council_member, meeting, prato_draft
):
    elsewhere = prato_draft.projects.get()
    DecisionFactory(meeting=meeting, text="Coordinarsi con Prato.", project=elsewhere)
    client.force_login(council_member)

    content = client.get(reverse("programme:meeting-detail", args=[meeting.pk])).content.decode()

    assert "Coordinarsi con Prato." in content
    assert elsewhere.title not in content


@pytest.mark.parametrize("rows", [10, 100])
def test_meetings_list_query_count_does_not_grow(
    client, council_member, programme, partner, rows, django_assert_max_num_queries
):
    for meeting in MeetingFactory.create_batch(rows, programme=programme):
        meeting.participants.add(partner, programme.owner)
        DecisionFactory(meeting=meeting)
    client.force_login(council_member)

    with django_assert_max_num_queries(12):
        response = client.get(MEETINGS)

    assert len(tables(response)[0]) - 1 == min(rows, 25)
