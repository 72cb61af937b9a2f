"""The public pages for citizens and the open data: only what is public, the same figures in
the pages, the CSV and the JSON, and files a spreadsheet or a program can read safely."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from funding.models import FundSource, Transaction
from funding.services import transaction_reverse
from portal import opendata
from programme.models import Programme, Project
from tests.factories import (
    AdminFactory,
    AllocationFactory,
    CommitmentFactory,
    FundSourceFactory,
    MilestoneFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProjectFactory,
    ProjectParticipationFactory,
    RiskFactory,
    ThematicAreaFactory,
    TransactionFactory,
)

pytestmark = pytest.mark.django_db

S = Project.Status
P = Transaction.Phase
DATASETS = list(opendata.DATASETS)
# Strings only internal records hold: none of them may reach a public page or file.
SECRETS = ("Fornitore in ritardo SEGRETO", "Impegno di spesa RISERVATO", "Nota interna RISERVATA")


def public_url(name, *args):
    return reverse(f"portal:{name}", args=args)


def file_url(dataset: str, fmt: str) -> str:
    return reverse("portal:open-data-file", kwargs={"dataset": dataset, "format": fmt})


def pay(project, amount: str, *, parent=None, **fields) -> Transaction:
    """A payment on ``project``, with the impegno and liquidazione it follows from."""
    amount = Decimal(amount)
    if parent is None:
        impegno = TransactionFactory(project=project, phase=P.IMPEGNO, amount=amount)
        parent = TransactionFactory(
            project=project, phase=P.LIQUIDAZIONE, amount=amount, parent=impegno
        )
    return TransactionFactory(project=project, phase=P.PAGAMENTO, amount=amount, parent=parent)


@pytest.fixture
def world(programme, partner):
    """A published programme with one public project carrying everything a citizen reads
    (and some internal records they must not), and projects that are not public."""
    today = timezone.localdate()
    area = ThematicAreaFactory(programme=programme, name="Servizi ai cittadini")
    public = ProjectFactory(
        programme=programme,
        title="Open City platform",
        summary="La piattaforma cloud del progetto PRISMA",
        thematic_area=area,
        status=S.IN_PROGRESS,
        total_cost=Decimal("2100000.00"),
        actual_start=datetime.date(2019, 2, 1),
    )
    ProjectParticipationFactory(project=public, organisation=programme.owner, role="lead")
    ProjectParticipationFactory(project=public, organisation=partner, role="co_financer")
    budget = FundSourceFactory(
        programme=programme,
        name="Bilancio comunale",
        kind=FundSource.Kind.MUNICIPAL_BUDGET,
        provider=programme.owner,
    )
    private = FundSourceFactory(
        programme=programme,
        name="Investimento Telecom Italia",
        kind=FundSource.Kind.PRIVATE_INVESTMENT,
        provider=OrganisationFactory(name="Telecom Italia S.p.A.", kind="telecom"),
        total=Decimal("13000000.00"),
    )
    AllocationFactory(fund_source=budget, project=public, year=2023, amount=Decimal("300000.00"))
    AllocationFactory(fund_source=budget, project=public, year=2024, amount=Decimal("200000.00"))
    AllocationFactory(fund_source=private, project=public, year=2024, amount=Decimal("7000000"))
    pay(public, "400000.00")
    wrong = pay(public, "58000.00")
    transaction_reverse(entry=wrong, actor=AdminFactory(), reason="Nota interna RISERVATA")
    pay(public, "60000.00")
    MilestoneFactory(
        project=public,
        title="Piattaforma in produzione",
        due_on=datetime.date(2020, 6, 30),
        completed_on=datetime.date(2020, 6, 20),
        weight=2,
    )
    MilestoneFactory(
        project=public, title="Disaster recovery", due_on=today - datetime.timedelta(days=30)
    )
    MilestoneFactory(
        project=public, title="Conservazione dei dati", due_on=today + datetime.timedelta(days=30)
    )
    RiskFactory(project=public, title="Fornitore in ritardo SEGRETO")
    CommitmentFactory(
        project=public, organisation=partner, description="Impegno di spesa RISERVATO"
    )

    proposed = ProjectFactory(programme=programme, title="Proposta non approvata")
    cancelled = ProjectFactory(programme=programme, title="Progetto annullato", status=S.CANCELLED)
    pay(cancelled, "1000.00")
    draft = ProgrammeFactory(name="Programma in bozza", slug="bozza", status=Programme.Status.DRAFT)
    hidden = ProjectFactory(programme=draft, title="Approvato in bozza", status=S.APPROVED)
    pay(hidden, "999.00")
    return {
        "programme": programme,
        "public": public,
        "proposed": proposed,
        "cancelled": cancelled,
        "draft": draft,
        "hidden": hidden,
    }


def read_csv(response) -> list[dict]:
    content = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(content, newline="")))


def read_json(response) -> dict:
    return json.loads(response.content.decode("utf-8"))


def everything_public(client, world) -> dict[str, str]:
    """Every public page and file, by address, as text."""
    urls = [
        public_url("public-index"),
        public_url("public-programme", world["programme"].slug),
        public_url("public-project", world["public"].pk),
        public_url("open-data"),
    ] + [file_url(dataset, fmt) for dataset in DATASETS for fmt in opendata.FORMATS]
    texts = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        texts[url] = body.decode("utf-8")
    return texts


# -- what is public --


def test_only_public_projects_appear_in_every_page_and_file(client, world):
    for url, text in everything_public(client, world).items():
        assert "Proposta non approvata" not in text, url
        assert "Progetto annullato" not in text, url
        assert "Approvato in bozza" not in text, url
        assert "Programma in bozza" not in text, url
    projects = read_json(client.get(file_url("projects", "json")))["rows"]
    assert [row["title"] for row in projects] == ["Open City platform"]


def test_internal_records_appear_nowhere(client, world):
    for url, text in everything_public(client, world).items():
        for secret in SECRETS:
            assert secret not in text, (url, secret)
    for dataset in DATASETS:
        fields = read_json(client.get(file_url(dataset, "json")))["metadata"]["fields"]
        names = {field["name"] for field in fields}
        assert not names & {"risk", "risks", "commitment", "commitments", "reason", "rup"}


def test_public_pages_show_only_what_is_public_even_to_an_administrator(client, world):
    client.force_login(AdminFactory())

    assert client.get(public_url("public-programme", "bozza")).status_code == 404
    assert client.get(public_url("public-project", world["hidden"].pk)).status_code == 404
    text = client.get(public_url("public-index")).content.decode()
    assert "Programma in bozza" not in text


@pytest.mark.parametrize("which", ["proposed", "cancelled", "hidden"])
def test_a_project_that_is_not_public_answers_404(client, world, which):
    assert client.get(public_url("public-project", world[which].pk)).status_code == 404


def test_unknown_programme_project_and_dataset_answer_404(client, world):
    assert client.get(public_url("public-programme", "nessuno")).status_code == 404
    assert client.get(public_url("public-project", 999999)).status_code == 404
    assert client.get("/open-data/risks.csv").status_code == 404
    assert client.get("/open-data/projects.xlsx").status_code == 404
    assert client.get(file_url("projects", "csv") + "?programme=bozza").status_code == 404


def test_public_pages_refuse_writes(client, world):
    for url in (public_url("public-index"), file_url("projects", "csv")):
        assert client.post(url).status_code == 405


# -- the pages --


def test_index_lists_published_programmes_with_their_totals(client, world):
    response = client.get(public_url("public-index"))

    text = response.content.decode()
    assert "Innovare Livorno" in text
    assert "2.100.000,00&nbsp;€" in text  # cost
    assert "500.000,00&nbsp;€" in text  # public funds
    assert "7.000.000,00&nbsp;€" in text  # private investment, apart
    assert "460.000,00&nbsp;€" in text  # paid: 400,000 + 60,000, the reversed 58,000 netted
    assert "D.Lgs. 33/2013" in text
    assert f'href="{public_url("open-data")}"' in text


def test_programme_page_shows_its_projects_by_thematic_area(client, world):
    response = client.get(public_url("public-programme", world["programme"].slug))

    text = response.content.decode()
    assert "Servizi ai cittadini" in text
    assert f'href="{public_url("public-project", world["public"].pk)}"' in text
    assert world["public"].cup in text
    assert "Bilancio comunale: 500.000,00&nbsp;€" in text
    assert "Investimento Telecom Italia: 7.000.000,00&nbsp;€" in text
    [area] = response.context["areas"]
    assert (area["name"], area["count"], area["spent"]) == (
        "Servizi ai cittadini",
        1,
        Decimal("460000.00"),
    )


def test_project_page_tells_where_the_money_comes_from_and_goes(client, world):
    project = world["public"]

    response = client.get(public_url("public-project", project.pk), HTTP_ACCEPT_LANGUAGE="en")

    text = response.content.decode()
    assert project.cup in text
    assert "2,100,000.00&nbsp;€" in text
    assert "Bilancio comunale" in text and "Municipal budget" in text
    # Private investment has its own table and total, outside the budget's.
    assert response.context["project"]["budget"] == Decimal("500000.00")
    assert response.context["project"]["private_investment"] == Decimal("7000000.00")
    assert [s["name"] for s in response.context["private_sources"]] == [
        "Investimento Telecom Italia"
    ]
    assert "Paid out, net of reversals" in text
    assert "460,000.00&nbsp;€" in text
    assert "Reversal" in text
    assert [p["name"] for p in response.context["project"]["participants"]] == [
        "Comune di Livorno",  # the lead first
        "Gida S.p.A.",
    ]
    assert "Gida S.p.A. — Co-financer" in text
    assert "Jan. 1, 2019" in text  # planned start
    assert "Feb. 1, 2019" in text  # actual start
    assert "Not finished yet" in text


def test_project_page_says_which_milestones_are_done_late_or_upcoming(client, world):
    response = client.get(
        public_url("public-project", world["public"].pk), HTTP_ACCEPT_LANGUAGE="en"
    )

    text = response.content.decode()
    assert "Done on June 20, 2020" in text
    assert "Late: it was due on" in text
    assert "Upcoming: due on" in text
    # Progress: 2 of 4 weight units done, as a <progress> element and in words.
    assert '<progress id="project-progress" max="100" value="50.0">' in text
    assert "50.0% (1 of 3 milestones done)" in text


def test_spent_is_the_sum_of_payments_minus_reversals(world):
    project = world["public"]
    payments = Transaction.objects.filter(project=project, phase=P.PAGAMENTO)
    expected = sum(t.amount for t in payments)

    [row] = opendata.project_rows(project_id=project.pk)

    assert expected == Decimal("460000.00")
    assert row["spent"] == expected
    # Commitments of spending (impegno) and settlements (liquidazione) are not money spent.
    assert row["spent"] != sum(t.amount for t in Transaction.objects.filter(project=project))
    [programme] = opendata.programme_rows(programme=world["programme"])
    assert programme["spent"] == expected


# -- the open data --


def test_open_data_page_lists_every_dataset_with_its_stable_addresses_and_licence(client, world):
    response = client.get(public_url("open-data"))

    text = response.content.decode()
    for dataset in DATASETS:
        for fmt in opendata.FORMATS:
            assert f"http://testserver/open-data/{dataset}.{fmt}" in text
    assert opendata.LICENCE_URL in text
    assert "CC BY 4.0" in text
    assert "?programme=innovare-livorno" in text


@pytest.mark.parametrize("dataset", DATASETS)
def test_csv_and_json_carry_the_same_rows(client, world, dataset):
    from_csv = read_csv(client.get(file_url(dataset, "csv")))
    from_json = read_json(client.get(file_url(dataset, "json")))["rows"]

    assert from_csv, dataset
    assert len(from_csv) == len(from_json)
    for csv_row, json_row in zip(from_csv, from_json, strict=True):
        assert list(csv_row) == list(json_row)
        for name, value in json_row.items():
            cell = csv_row[name]
            if value is None:
                assert cell == ""
            elif isinstance(value, bool):
                assert cell == str(value).lower()
            elif isinstance(value, (int, float)):
                assert Decimal(cell) == Decimal(str(value)), (name, cell, value)
            else:
                assert cell == opendata.neutralise(value), name


def test_csv_is_a_utf8_rfc4180_download_that_caches_briefly(client, world):
    response = client.get(file_url("projects", "csv"))

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="regia-projects.csv"'
    assert response["Cache-Control"] == "public, max-age=300"
    assert 'rel="license"' in response["Link"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("id,cup,title,")
    assert body.endswith("\r\n")


def test_json_carries_licence_and_metadata_and_numbers_stay_numbers(client, world):
    response = client.get(file_url("projects", "json"))

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=300"
    document = read_json(response)
    metadata = document["metadata"]
    assert metadata["licence"]["id"] == "CC-BY-4.0"
    assert metadata["licence"]["url"] == opendata.LICENCE_URL
    assert metadata["attribution"]
    assert metadata["source"] == "http://testserver" + public_url("open-data")
    assert datetime.datetime.fromisoformat(metadata["generated_at"])
    [row] = document["rows"]
    assert row["total_cost"] == 2100000.0
    assert row["spent"] == 460000.0
    assert row["progress"] == 50.0
    assert row["milestones"] == 3
    assert row["planned_start"] == "2019-01-01"
    assert row["url"] == "http://testserver" + public_url("public-project", world["public"].pk)


def test_a_reversal_is_a_negative_number_not_a_neutralised_text(client, world):
    rows = read_csv(client.get(file_url("payments", "csv")))

    amounts = [row["amount"] for row in rows]
    assert "-58000.00" in amounts
    assert sum(Decimal(amount) for amount in amounts) == Decimal("460000.00")
    [reversal] = [row for row in rows if row["reverses"]]
    assert reversal["paid_on"] == timezone.localdate().isoformat()


def test_formula_injection_is_neutralised_in_the_csv(client, world):
    project = world["public"]
    Project.objects.filter(pk=project.pk).update(
        title='=HYPERLINK("http://evil.example","x")', summary="@SUM(A1:A2)"
    )

    [row] = read_csv(client.get(file_url("projects", "csv")))
    [json_row] = read_json(client.get(file_url("projects", "json")))["rows"]

    assert row["title"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["summary"] == "'@SUM(A1:A2)"
    # JSON is not a spreadsheet: it keeps the text as it is.
    assert json_row["title"] == '=HYPERLINK("http://evil.example","x")'


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_every_formula_trigger_is_neutralised(text):
    assert opendata.neutralise(text) == "'" + text
    assert opendata.neutralise("Via Roma " + text) == "Via Roma " + text


def test_files_of_one_programme(client, world, municipality):
    other = ProgrammeFactory(name="Prato Smart City", slug="prato")
    ProjectFactory(programme=other, title="Situation Room", status=S.APPROVED)

    everything = read_json(client.get(file_url("projects", "json")))
    livorno = read_json(client.get(file_url("projects", "json") + "?programme=innovare-livorno"))
    response = client.get(file_url("projects", "csv") + "?programme=prato")

    assert {row["title"] for row in everything["rows"]} == {"Open City platform", "Situation Room"}
    assert [row["title"] for row in livorno["rows"]] == ["Open City platform"]
    assert livorno["metadata"]["programme"] == "innovare-livorno"
    assert [row["title"] for row in read_csv(response)] == ["Situation Room"]
    assert response["Content-Disposition"] == 'attachment; filename="regia-projects-prato.csv"'


# -- cost --


def many_public_projects(programme, count: int):
    source = FundSourceFactory(programme=programme, kind=FundSource.Kind.MUNICIPAL_BUDGET)
    area = ThematicAreaFactory(programme=programme)
    for _ in range(count):
        project = ProjectFactory(programme=programme, status=S.APPROVED, thematic_area=area)
        ProjectParticipationFactory(project=project, organisation=programme.owner, role="lead")
        AllocationFactory(fund_source=source, project=project)
        MilestoneFactory(project=project)
        pay(project, "1000.00")
    return project


def pages_and_files(programme, project) -> list[str]:
    return [
        public_url("public-index"),
        public_url("public-programme", programme.slug),
        public_url("public-project", project.pk),
        public_url("open-data"),
    ] + [file_url(dataset, fmt) for dataset in DATASETS for fmt in opendata.FORMATS]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("count", [10, 100])
def test_query_count_does_not_grow_with_the_projects(
    client, programme, count, django_assert_max_num_queries
):
    project = many_public_projects(programme, count)

    for url in pages_and_files(programme, project):
        with django_assert_max_num_queries(7):
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200, url


def test_query_count_is_the_same_at_10_and_at_100_projects(client, programme):
    project = many_public_projects(programme, 10)
    urls = pages_and_files(programme, project)
    at_10 = [count_queries(client, url) for url in urls]
    many_public_projects(programme, 90)

    assert [count_queries(client, url) for url in urls] == at_10


# -- the page itself --


def test_public_pages_keep_a_strict_csp(client, world):
    for url, text in everything_public(client, world).items():
        if "/open-data/" in url and url.endswith((".csv", ".json")):
            continue
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), url
        assert not re.search(r"\sstyle=", text), url
        assert not re.search(r"\son[a-z]+=", text), url


@override_settings(
    REGIA_ACCESSIBILITY_STATEMENT_URL="https://form.agid.gov.it/view/livorno",
    REGIA_ACCESSIBILITY_FEEDBACK_URL="mailto:accessibilita@comune.livorno.it",
)
def test_public_pages_link_the_configured_accessibility_statement_and_feedback(client, world):
    text = client.get(public_url("public-project", world["public"].pk)).content.decode()

    assert 'href="https://form.agid.gov.it/view/livorno"' in text
    assert 'href="mailto:accessibilita@comune.livorno.it"' in text
