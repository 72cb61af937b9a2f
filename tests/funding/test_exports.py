"""Downloads of the ledger's tables: who may have which file, what it holds for them, what it
costs, and that a partner's Excel Italia, CSV or XLSX file imports back unchanged."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from guardian.shortcuts import assign_perm

from core import exports
from core.models import AuditEntry
from funding import services
from funding.exports import TABLES, Filters
from funding.models import COMMITMENT_PARTNER_PERMISSIONS, Commitment, Disbursement
from funding.tables import DISBURSEMENT_COLUMNS
from partners.models import Membership, Organisation
from partners.services import organisation_group
from programme.models import Programme, ProgrammeAssignment, Project
from programme.services import sync_programme_roles
from tests.factories import (
    AllocationFactory,
    CommitmentFactory,
    DisbursementFactory,
    FundSourceFactory,
    MembershipFactory,
    OrganisationFactory,
    PlanActionFactory,
    ProgrammeAssignmentFactory,
    ProgrammeFactory,
    ProjectFactory,
    ProjectParticipationFactory,
    TransactionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

C = Commitment.Status
FORMATS = list(exports.FORMATS)
RECORDS = ["commitments", "disbursements", "transactions", "allocations"]
RECONCILIATION = ["project-years", "fund-sources", "partners", "private-investment"]
ROLES = [
    "anonymous",
    "citizen",
    "partner_rep",
    "other_partner_rep",
    "council_member",
    "manager",
    "other_manager",
    "admin_user",
]
# Of the programme: who may download each table (the others: 403).
MAY_EXPORT = {
    "commitments": {"partner_rep", "other_partner_rep", "council_member", "manager", "admin_user"},
    "disbursements": {
        "partner_rep",
        "other_partner_rep",
        "council_member",
        "manager",
        "admin_user",
    },
    "transactions": set(ROLES),
    "allocations": set(ROLES),
    **{table: frozenset({"manager", "admin_user"}) for table in RECONCILIATION},
}
FORMULAS = [
    "=SUM(A1:A9)",
    "+39 0574 1234",
    "-5% on the second year",
    "@gida",
    '=HYPERLINK("http://evil.example";"Line one\nline two, with a comma")',
]


def grant_partner_rights(commitments) -> None:
    """What ``commitment_pledge`` grants, for commitments made by the factory."""
    group = organisation_group(commitments[0].organisation)
    for permission in COMMITMENT_PARTNER_PERMISSIONS:
        assign_perm(
            permission, group, Commitment.objects.filter(pk__in=[c.pk for c in commitments])
        )


@pytest.fixture
def public_project(programme, partner) -> Project:
    project = ProjectFactory(
        programme=programme, title="Smart water metering", status=Project.Status.IN_PROGRESS
    )
    ProjectParticipationFactory(project=project, organisation=programme.owner, role="lead")
    ProjectParticipationFactory(project=project, organisation=partner, role="co_financer")
    return project


@pytest.fixture
def other_partner(db) -> Organisation:
    return OrganisationFactory(name="Citelum Italia", kind=Organisation.Kind.UTILITY)


@pytest.fixture
def other_partner_rep(other_partner):
    user = UserFactory(username="partner.citelum")
    MembershipFactory(user=user, organisation=other_partner, role=Membership.Role.REPRESENTATIVE)
    user.groups.add(organisation_group(other_partner))
    return user


@pytest.fixture
def other_programme(db) -> Programme:
    return ProgrammeFactory(name="Prato Smart City", slug="prato")


@pytest.fixture
def other_manager(other_programme):
    user = UserFactory(username="manager.prato")
    ProgrammeAssignmentFactory(
        user=user, programme=other_programme, role=ProgrammeAssignment.Role.PROGRAMME_MANAGER
    )
    sync_programme_roles(user)
    return user


@pytest.fixture
def ledger(programme, public_project, partner, other_partner):
    """Gida's commitments (formulas in their descriptions), another partner's pledge and firm
    commitment, disbursements, accounting entries and allocations on one public project."""
    gida = [
        CommitmentFactory(
            organisation=partner,
            project=public_project,
            year=2024 + n % 2,
            amount=Decimal("1234.56") * (n + 1),
            kind=[Commitment.Kind.CASH_TRANSFER, Commitment.Kind.IN_KIND][n % 2],
            status=[C.PLEDGED, C.CONFIRMED, C.PARTLY_DISBURSED, C.PLEDGED, C.CONFIRMED][n],
            subject_to_budget_availability=n % 2 == 0,
            description=text,
            external_reference=f"GIDA-2024-{n:03d}",
        )
        for n, text in enumerate(FORMULAS)
    ]
    grant_partner_rights(gida)
    others_pledge = CommitmentFactory(
        organisation=other_partner,
        project=public_project,
        description="Citelum's pledge, not yet confirmed",
        external_reference="CIT-1",
    )
    others_firm = CommitmentFactory(
        organisation=other_partner,
        project=public_project,
        status=C.CONFIRMED,
        external_reference="CIT-2",
    )
    grant_partner_rights([others_pledge, others_firm])
    declared_on_others = DisbursementFactory(commitment=others_firm, note="Citelum, to verify")
    own_disbursement = DisbursementFactory(
        commitment=gida[1], amount=Decimal("500.00"), note="=cmd|' /C calc'!A0"
    )
    source = FundSourceFactory(programme=programme, name="MIUR Smart Cities")
    allocation = AllocationFactory(fund_source=source, project=public_project, year=2024)
    entry = TransactionFactory(project=public_project, amount=Decimal("98765.43"))
    return {
        "gida": gida,
        "others_pledge": others_pledge,
        "others_firm": others_firm,
        "declared_on_others": declared_on_others,
        "own_disbursement": own_disbursement,
        "allocation": allocation,
        "entry": entry,
    }


def user_for(request, role):
    return None if role == "anonymous" else request.getfixturevalue(role)


def export_url(table: str, fmt: str, **query) -> str:
    url = reverse("funding:export", kwargs={"table": table, "fmt": fmt})
    if query:
        url += "?" + "&".join(f"{name}={value}" for name, value in query.items())
    return url


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(response, fmt: str = exports.CSV) -> list[dict]:
    return csv_rows_of(body(response), fmt)


def csv_rows_of(content: bytes, fmt: str = exports.CSV) -> list[dict]:
    text = content.decode("utf-8")
    if fmt == exports.EXCEL_ITALIA:
        assert text.startswith(exports.BOM)
        text = text[1:]
    delimiter = ";" if fmt == exports.EXCEL_ITALIA else ","
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def exported_ids(response) -> set[int]:
    """The ids in a file's "Regia id" column, headed in the language the file was written in."""
    with translation.override(response["Content-Language"]):
        label = str(DISBURSEMENT_COLUMNS[0].label)
    return {int(row[label]) for row in csv_rows(response)}


def get_as(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en")


# -- who may download what --


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("table", RECORDS + RECONCILIATION)
def test_every_table_in_every_format_is_a_download(client, manager, programme, ledger, table, fmt):
    response = get_as(client, manager, export_url(table, fmt, programme=programme.pk))
    assert response.status_code == 200
    assert response.streaming
    today = timezone.localdate().isoformat()
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="regia-')
    assert disposition.endswith(f'-innovare-livorno-{today}{exports.SUFFIXES[fmt]}"')
    labels = [str(column.label) for column in TABLES[table].columns]
    if fmt == exports.XLSX:
        assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
        sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
        assert [cell.value for cell in next(sheet.iter_rows(max_row=1))] == labels
    else:
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        text = body(response).decode("utf-8")
        delimiter = ";" if fmt == exports.EXCEL_ITALIA else ","
        assert text.startswith(exports.BOM) == (fmt == exports.EXCEL_ITALIA)
        header = next(csv.reader(io.StringIO(text.removeprefix(exports.BOM)), delimiter=delimiter))
        assert header == labels


@pytest.mark.parametrize("table", RECORDS + RECONCILIATION)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_download_a_programmes_table(client, request, programme, ledger, table, role):
    user = user_for(request, role)
    response = get_as(client, user, export_url(table, exports.CSV, programme=programme.pk))
    if role in MAY_EXPORT[table]:
        assert response.status_code == 200
        assert AuditEntry.objects.filter(verb="ledger.exported").count() == (user is not None)
    else:
        assert response.status_code == 403
        assert not AuditEntry.objects.filter(verb="ledger.exported").exists()


@pytest.mark.parametrize("table", ["commitments", "disbursements"])
@pytest.mark.parametrize("role", ["anonymous", "citizen"])
def test_partners_money_is_never_exported_to_who_has_no_role(client, request, table, role):
    response = get_as(client, user_for(request, role), export_url(table, exports.XLSX))
    assert response.status_code == 403
    assert not AuditEntry.objects.exists()


def test_a_refusal_says_why(client, other_manager, programme, ledger, english):
    response = get_as(
        client, other_manager, export_url("commitments", "csv", programme=programme.pk)
    )
    assert response.status_code == 403
    assert b"You have no role in this programme." in response.content


@pytest.mark.parametrize("table", RECORDS + RECONCILIATION)
def test_a_programme_the_user_cannot_read_is_not_found(client, manager, table):
    draft = ProgrammeFactory(status=Programme.Status.DRAFT)
    response = get_as(client, manager, export_url(table, exports.CSV, programme=draft.pk))
    assert response.status_code == 404
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/ledger/export/pledges.csv",
        "/ledger/export/commitments.pdf",
        "/ledger/export/commitments.XLSX",
        "/ledger/export/commitments.csv.xlsx",
    ],
)
def test_an_unknown_table_or_format_is_not_found(client, manager, url):
    assert get_as(client, manager, url).status_code == 404


@pytest.mark.parametrize(
    ("table", "query", "message"),
    [
        ("commitments", {"year": "twenty"}, b"Enter a whole number."),
        ("commitments", {"year": "1999"}, b"greater than or equal to 2000"),
        ("commitments", {"status": "lost"}, b"Select a valid choice."),
        ("disbursements", {"status": "pledged"}, b"Select a valid choice."),
        ("commitments", {"organisation": "-1"}, b"greater than or equal to 1"),
        ("transactions", {"programme": "prato"}, b"Enter a whole number."),
        ("project-years", {}, b"This table belongs to a programme"),
    ],
)
def test_a_filter_that_makes_no_sense_is_a_bad_request(client, manager, table, query, message):
    response = get_as(client, manager, export_url(table, exports.CSV, **query))
    assert response.status_code == 400
    assert message in response.content
    assert not AuditEntry.objects.exists()


def test_a_table_without_a_status_ignores_the_filter(client, manager, programme, ledger):
    response = get_as(client, manager, export_url("transactions", "csv", status="anything"))
    assert response.status_code == 200
    assert exported_ids(response) == {ledger["entry"].pk}


# -- what a file holds for its reader --


def test_another_partners_pledge_never_reaches_a_partners_file(client, partner_rep, ledger):
    response = get_as(client, partner_rep, export_url("commitments", "csv"))
    ids = exported_ids(response)
    assert ids == {c.pk for c in ledger["gida"]} | {ledger["others_firm"].pk}
    assert ledger["others_pledge"].pk not in ids


def test_another_partners_disbursement_to_verify_never_reaches_a_partners_file(
    client, partner_rep, ledger
):
    ids = exported_ids(get_as(client, partner_rep, export_url("disbursements", "csv")))
    assert ids == {ledger["own_disbursement"].pk}


def test_the_list_filters_narrow_the_file(client, manager, partner, ledger):
    url = export_url("commitments", "csv", organisation=partner.pk, year=2024, status="pledged")
    ids = exported_ids(get_as(client, manager, url))
    assert ids == {ledger["gida"][0].pk}


def test_anonymous_readers_get_the_public_money_only(client, programme, public_project, ledger):
    hidden = ProjectFactory(programme=programme, status=Project.Status.PROPOSED)
    TransactionFactory(project=hidden)
    AllocationFactory(fund_source=ledger["allocation"].fund_source, project=hidden)
    assert exported_ids(client.get(export_url("transactions", "csv"))) == {ledger["entry"].pk}
    assert exported_ids(client.get(export_url("allocations", "csv"))) == {ledger["allocation"].pk}
    assert not AuditEntry.objects.exists()


def test_a_commitments_cells_in_english(client, partner_rep, partner, public_project, ledger):
    rows = csv_rows(get_as(client, partner_rep, export_url("commitments", "csv")))
    row = next(row for row in rows if row["Regia id"] == str(ledger["gida"][1].pk))
    assert row["Partner's codice fiscale"] == partner.tax_code
    assert row["Partner"] == "Gida S.p.A."
    assert row["Programme"] == "Innovare Livorno"
    assert row["Project id"] == str(public_project.pk)
    assert row["Kind"] == "In kind, at a stated value"
    assert row["Amount (EUR)"] == "2469.12"
    assert row["Subject to budget availability"] == "no"
    assert row["Status"] == "Confirmed"
    assert row["What it pays for"] == "'+39 0574 1234"
    assert row["Plan action id"] == ""


def test_a_commitment_to_a_plan_action_names_its_programme(client, manager, programme, partner):
    action = PlanActionFactory(phase__plan__programme=programme, title="Situation Room")
    commitment = CommitmentFactory(organisation=partner, project=None, plan_action=action)
    rows = csv_rows(get_as(client, manager, export_url("commitments", "csv")))
    assert [(r["Regia id"], r["Programme"], r["Plan action"]) for r in rows] == [
        (str(commitment.pk), "Innovare Livorno", "Situation Room")
    ]


def test_excel_italia_in_italian(client, partner_rep, ledger):
    client.force_login(partner_rep)
    response = client.get(export_url("disbursements", "excel-it"), HTTP_ACCEPT_LANGUAGE="it")
    [row] = csv_rows(response, exports.EXCEL_ITALIA)
    with translation.override("it"):
        label = {column.code: str(column.label) for column in DISBURSEMENT_COLUMNS}
        declared = str(Disbursement.Status.DECLARED.label)
    assert row[label["amount"]] == "500,00"
    assert row[label["disbursed_on"]] == "02/05/2024"
    assert row[label["status"]] == declared == "Dichiarata"
    assert row[label["note"]] == "'=cmd|' /C calc'!A0"
    assert response["Content-Disposition"].startswith('attachment; filename="regia-erogazioni-')


def test_a_reversal_stays_a_negative_number(client, manager, ledger):
    entry = ledger["entry"]
    reversal = services.transaction_reverse(entry=entry, actor=manager, reason="Wrong chapter")
    response = get_as(client, manager, export_url("transactions", "xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    amounts = {row[0].value: row[7] for row in sheet.iter_rows(min_row=2)}
    assert amounts[reversal.pk].data_type == "n"
    assert Decimal(str(amounts[reversal.pk].value)) == -entry.amount
    assert amounts[reversal.pk].number_format == exports.MONEY_FORMAT


def test_an_export_is_audited_on_its_programme(client, manager, programme, ledger):
    get_as(client, manager, export_url("commitments", "xlsx", programme=programme.pk, year=2024))
    entry = AuditEntry.objects.get(verb="ledger.exported")
    assert (entry.actor, entry.target_type, entry.target_id) == (
        manager,
        "programme.programme",
        str(programme.pk),
    )
    assert entry.data == {
        "table": "commitments",
        "format": "xlsx",
        "filters": {"year": 2024},
        "rows": Commitment.objects.filter(year=2024).count(),
    }


def test_an_export_of_every_programme_is_audited_on_its_reader(client, partner_rep, ledger):
    body(get_as(client, partner_rep, export_url("commitments", "csv")))
    entry = AuditEntry.objects.get(verb="ledger.exported")
    assert (entry.target_type, entry.target_id) == (
        partner_rep._meta.label_lower,
        str(partner_rep.pk),
    )
    assert entry.data == {"table": "commitments", "format": "csv", "filters": {}}


# -- what a file costs --


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
        body(response)
    return len(queries)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("table", RECORDS)
def test_the_queries_do_not_grow_with_the_rows(
    client, partner_rep, partner, public_project, table, fmt
):
    client.force_login(partner_rep)
    url = export_url(table, fmt)

    def add(n):
        commitments = CommitmentFactory.create_batch(
            n, organisation=partner, project=public_project, status=C.CONFIRMED
        )
        grant_partner_rights(commitments)
        for commitment in commitments:
            DisbursementFactory(commitment=commitment)
            TransactionFactory(project=public_project)
            AllocationFactory(
                fund_source=FundSourceFactory(programme=public_project.programme),
                project=public_project,
            )

    add(10)
    few = queries_for(client, url)
    add(90)
    assert queries_for(client, url) == few


def test_a_csv_is_streamed_row_by_row(client, manager, ledger):
    response = get_as(client, manager, export_url("commitments", "csv"))
    assert response.streaming
    lines = list(response.streaming_content)
    assert len(lines) == 1 + len(ledger["gida"]) + 2


# -- the round trip: what a partner downloads imports back unchanged --


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_partners_export_imports_back_unchanged(client, partner_rep, partner, ledger, fmt):
    client.force_login(partner_rep)
    response = client.get(export_url("commitments", fmt, organisation=partner.pk))
    content = body(response)
    extension = "xlsx" if fmt == exports.XLSX else "csv"
    if fmt == exports.XLSX:
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        cells = {cell.value for row in sheet.iter_rows(min_row=2) for cell in row}
    else:
        cells = {cell for row in csv_rows_of(content, fmt) for cell in row.values()}
    assert "'=SUM(A1:A9)" in cells
    assert "=SUM(A1:A9)" not in cells
    commitments_before = Commitment.objects.count()

    batch = services.import_stage(
        uploader=partner_rep,
        kind="commitments",
        file=SimpleUploadedFile(f"impegni.{extension}", content),
    )

    batch.refresh_from_db()
    assert batch.errors == []
    assert (batch.rows_total, batch.rows_new) == (len(ledger["gida"]), 0)
    assert batch.rows_unchanged == len(ledger["gida"])
    assert Commitment.objects.count() == commitments_before
    descriptions = set(
        Commitment.objects.filter(organisation=partner).values_list("description", flat=True)
    )
    assert descriptions == set(FORMULAS)
    assert Disbursement.objects.filter(commitment__organisation=partner).count() == 1


def test_the_menu_links_the_three_files_with_the_page_filters():
    request = RequestFactory().get("/ledger/commitments/", {"year": "2024", "q": '"><b>'})
    html = render_to_string(
        "funding/_export_menu.html", {"table": "commitments", "request": request}
    )
    for fmt in FORMATS:
        assert f'href="/ledger/export/commitments.{fmt}?year=2024&amp;q=%22%3E%3Cb%3E"' in html
    assert "<b>" not in html
    assert html.count('title="') == 3
    assert html.count('class="visually-hidden"') == 3


def test_the_menu_without_filters_links_the_bare_files():
    request = RequestFactory().get("/ledger/reconciliation/")
    html = render_to_string(
        "funding/_export_menu.html", {"table": "fund-sources", "request": request}
    )
    assert 'href="/ledger/export/fund-sources.xlsx"' in html


@pytest.mark.parametrize("slug", RECORDS)
def test_a_record_tables_rows_carry_its_columns(admin_user, ledger, slug):
    table = TABLES[slug]
    rows = list(table.rows(admin_user, Filters()))
    assert rows
    assert all(list(row) == [column.code for column in table.columns] for row in rows)


def test_a_moment_of_review_is_its_day(client, manager, ledger):
    disbursement = ledger["own_disbursement"]
    Disbursement.objects.filter(pk=disbursement.pk).update(
        status=Disbursement.Status.VERIFIED,
        reviewed_at=datetime.datetime(2024, 6, 30, 22, 30, tzinfo=datetime.UTC),
    )
    rows = csv_rows(get_as(client, manager, export_url("disbursements", "csv")))
    row = next(r for r in rows if r["Regia id"] == str(disbursement.pk))
    assert row["Reviewed on"] == "2024-07-01"
