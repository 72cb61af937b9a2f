"""The bulk import's services: staging, preview errors, confirming all or nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from core.models import AuditEntry
from core.money import euro
from funding import services
from funding.models import (
    Commitment,
    CommitmentGroupObjectPermission,
    Disbursement,
    ImportBatch,
)
from funding.selectors import commitments_visible_to
from programme.models import StatusChange
from programme.workflow import status_history
from tests.core import files
from tests.factories import CommitmentFactory, OrganisationFactory, ProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
S = ImportBatch.Status
HEADER = [
    "organisation_tax_code",
    "external_reference",
    "project_id",
    "year",
    "kind",
    "amount",
    "act_reference",
]


def upload(content: bytes, name: str = "impegni.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def commitments_csv(partner, project, *rows, header=HEADER, **options) -> SimpleUploadedFile:
    lines = [header]
    for index, row in enumerate(rows):
        values = {
            "organisation_tax_code": partner.tax_code,
            "external_reference": f"GIDA-{index + 1}",
            "project_id": project.pk,
            "year": 2025,
            "kind": "cash_transfer",
            "amount": "1.000,00",
            "act_reference": "",
            **row,
        }
        lines.append([values[code] for code in header])
    return upload(files.csv_file(lines, **options))


def stage(user, file, kind="commitments") -> ImportBatch:
    return services.import_stage(uploader=user, kind=kind, file=file)


def messages(batch: ImportBatch) -> list[tuple]:
    return [(error["row"], error["column"], error["message"]) for error in batch.errors]


def test_a_clean_file_is_ready_then_applied_with_every_effect(partner, project, partner_rep):
    batch = stage(
        partner_rep,
        commitments_csv(
            partner,
            project,
            {"amount": "1.234,56"},
            {"amount": "1,234.56", "act_reference": "Delibera CdA 14/2025"},
        ),
    )
    assert batch.status == S.READY, batch.errors
    assert (batch.rows_total, batch.rows_new, batch.rows_unchanged) == (2, 2, 0)
    assert not Commitment.objects.exists()

    batch = services.import_confirm(batch=batch, actor=partner_rep)

    assert batch.status == S.APPLIED
    assert batch.objects_created == 2
    pledge, confirmed = Commitment.objects.order_by("external_reference")
    assert pledge.amount == confirmed.amount == Decimal("1234.56")
    assert (pledge.status, confirmed.status) == (Commitment.Status.PLEDGED, "confirmed")
    assert confirmed.act_reference == "Delibera CdA 14/2025"
    for commitment in (pledge, confirmed):
        assert commitment.history.count() == 1
        assert commitment.history.first().history_user == partner_rep
        assert (
            CommitmentGroupObjectPermission.objects.filter(content_object=commitment).count() == 2
        )
    steps = status_history(confirmed).values_list("from_status", "to_status", "actor")
    assert list(steps) == [
        ("", "pledged", partner_rep.pk),
        ("pledged", "confirmed", partner_rep.pk),
    ]
    pledged = AuditEntry.objects.get(verb="commitment.pledged", target_id=str(pledge.pk))
    assert (pledged.actor, pledged.target_repr) == (partner_rep, str(pledge))
    assert pledged.data == {"amount": "1234.56", "import": batch.pk}
    assert partner_rep.has_perm("funding.change_commitment", pledge)
    verbs = AuditEntry.objects.filter(target_type="funding.commitment").values_list(
        "verb", flat=True
    )
    assert sorted(verbs) == ["commitment.confirmed", "commitment.pledged", "commitment.pledged"]
    assert AuditEntry.objects.filter(verb="import.applied", target_id=str(batch.pk)).exists()
    # The partner's rights come from its group, as after a pledge in the pages.
    assert set(commitments_visible_to(partner_rep)) == {pledge, confirmed}


def test_importing_the_same_file_twice_creates_nothing_new(partner, project, partner_rep):
    content = commitments_csv(partner, project, {}, {"amount": "2000"}).read()
    services.import_confirm(batch=stage(partner_rep, upload(content)), actor=partner_rep)
    audit_entries = AuditEntry.objects.count()

    again = stage(partner_rep, upload(content))

    assert (again.status, again.rows_new, again.rows_unchanged) == (S.READY, 0, 2)
    again = services.import_confirm(batch=again, actor=partner_rep)
    assert again.objects_created == 0
    assert Commitment.objects.count() == 2
    assert AuditEntry.objects.count() == audit_entries + 2  # staged, applied: no record


def test_a_known_key_with_other_values_is_an_error_naming_the_columns(
    partner, project, partner_rep
):
    CommitmentFactory(organisation=partner, project=project, year=2025, external_reference="GIDA-1")

    batch = stage(partner_rep, commitments_csv(partner, project, {"amount": "999,00"}))

    assert batch.status == S.INVALID
    assert messages(batch) == [(2, "", "Already in Regia with other values in: “amount”.")]


def test_numbers_in_both_notations_are_read_and_ambiguous_ones_refused(
    partner, project, partner_rep
):
    batch = stage(
        partner_rep,
        commitments_csv(
            partner,
            project,
            {"amount": "1.234,56"},
            {"amount": "1,234.56"},
            {"amount": "1.234.567"},
            {"amount": "1234,5"},
            {"amount": "1.234"},
            {"amount": "1,234"},
        ),
    )
    errors = messages(batch)
    assert [row for row, _c, _m in errors] == [6, 7]
    assert all(column == "amount" and "ambiguous" in message for _r, column, message in errors)
    assert batch.rows_new == 4


def test_an_unknown_partner_and_one_the_uploader_may_not_act_for_are_row_errors(
    partner, project, partner_rep
):
    stranger = OrganisationFactory(name="Citelum")
    batch = stage(
        partner_rep,
        commitments_csv(
            partner,
            project,
            {"organisation_tax_code": "00000000000"},
            {"organisation_tax_code": stranger.tax_code},
        ),
    )
    assert messages(batch) == [
        (2, "organisation_tax_code", "No partner with this codice fiscale."),
        (
            3,
            "organisation_tax_code",
            "Only the partner's representatives, or the programme's managers, pledge for it.",
        ),
    ]


def test_an_unknown_or_unreadable_project_is_a_row_error(partner, project, partner_rep):
    hidden = ProjectFactory()  # in a draft programme the partner has nothing to do with
    batch = stage(
        partner_rep,
        commitments_csv(partner, project, {"project_id": 987654}, {"project_id": hidden.pk}),
    )
    assert [(r, c) for r, c, _m in messages(batch)] == [(2, "project_id"), (3, "project_id")]
    assert "No project with id 987654 that you can read." in messages(batch)[0][2]


def test_negative_amounts_are_refused_with_the_services_message(partner, project, partner_rep):
    batch = stage(partner_rep, commitments_csv(partner, project, {"amount": "-1.000,00"}))
    assert messages(batch) == [(2, "amount", "The amount must be positive.")]


def test_every_error_of_a_row_is_listed_row_by_row(partner, project, partner_rep):
    batch = stage(
        partner_rep,
        commitments_csv(
            partner,
            project,
            {"amount": "1.000,00", "project_id": "999999"},
            {"amount": "-250", "kind": "maybe"},
        ),
    )

    rows = [row for row, _column, _message in messages(batch)]
    assert rows == sorted(rows)
    # The second row's two bad cells are both said, not only the first one found.
    assert [(column, message) for row, column, message in messages(batch) if row == 3] == [
        ("kind", "“maybe” is not one of: " + ", ".join(map(str, Commitment.Kind.labels)) + "."),
        ("amount", "The amount must be positive."),
    ]
    assert not Commitment.objects.exists()


def test_a_duplicate_row_is_an_error_on_the_second_one(partner, project, partner_rep):
    batch = stage(
        partner_rep,
        commitments_csv(partner, project, {"external_reference": "X"}, {"external_reference": "X"}),
    )
    assert messages(batch) == [
        (3, "external_reference", "This row repeats row 2: the same record twice in the file.")
    ]


def test_missing_and_unknown_columns_refuse_the_whole_file(partner, project, partner_rep):
    header = ["organisation_tax_code", "external_reference", "project_id", "year", "colour"]
    with pytest.raises(ValidationError) as error:
        stage(partner_rep, commitments_csv(partner, project, {"colour": "red"}, header=header))
    assert error.value.messages == [
        "Missing columns: “Kind”; “Amount (EUR)”. Unknown columns: “colour”."
    ]
    assert not ImportBatch.objects.exists()


def test_headers_are_read_in_italian_and_english(partner, project, partner_rep):
    with translation.override("it"):
        from funding.tables import COMMITMENT_COLUMNS

        labels = {c.code: str(c.label) for c in COMMITMENT_COLUMNS}
        cash_transfer = str(Commitment.Kind.CASH_TRANSFER.label)
    header = [labels[code] for code in HEADER[:3]] + [
        "Year",
        "Kind",
        "Amount (EUR)",
        "act_reference",
    ]
    lines = [header, [partner.tax_code, "R1", project.pk, 2025, cash_transfer, "10,50", ""]]
    batch = stage(partner_rep, upload(files.csv_file(lines, delimiter=",", bom=True)))
    assert batch.status == S.READY, batch.errors


def test_errors_are_in_the_uploaders_language(partner, project, partner_rep):
    with translation.override("it"):
        batch = stage(partner_rep, commitments_csv(partner, project, {"amount": "-5"}))
    assert messages(batch) == [(2, "amount", "L'importo deve essere maggiore di zero.")]


def test_an_expired_import_cannot_be_confirmed(partner, project, partner_rep):
    batch = stage(partner_rep, commitments_csv(partner, project, {}))
    ImportBatch.objects.filter(pk=batch.pk).update(expires_at=timezone.now())

    with pytest.raises(ValidationError, match="expired"):
        services.import_confirm(batch=batch, actor=partner_rep)

    batch.refresh_from_db()
    assert batch.status == S.EXPIRED
    assert not Commitment.objects.exists()


def test_the_purge_expires_imports_and_deletes_their_files(partner, project, partner_rep):
    batch = stage(partner_rep, commitments_csv(partner, project, {}))
    storage, name = batch.file.storage, batch.file.name
    assert storage.exists(name)

    purged = services.import_purge_expired(now=timezone.now() + datetime.timedelta(hours=25))

    batch.refresh_from_db()
    assert (purged, batch.status, batch.file.name) == (1, S.EXPIRED, "")
    assert not storage.exists(name)


def test_only_the_uploader_confirms_or_discards(partner, project, partner_rep, manager):
    batch = stage(partner_rep, commitments_csv(partner, project, {}))
    with pytest.raises(ValidationError):
        services.import_confirm(batch=batch, actor=manager)
    with pytest.raises(ValidationError):
        services.import_discard(batch=batch, actor=manager)
    assert not Commitment.objects.exists()
    services.import_discard(batch=batch, actor=partner_rep)
    assert not ImportBatch.objects.exists()


def test_confirm_is_all_or_nothing(partner, project, partner_rep):
    batch = stage(partner_rep, commitments_csv(partner, project, {}, {}, {}))
    assert batch.status == S.READY
    # Meanwhile, someone records the third row's reference with other values.
    CommitmentFactory(organisation=partner, project=project, year=2024, external_reference="GIDA-3")
    audit_entries = AuditEntry.objects.count()

    batch = services.import_confirm(batch=batch, actor=partner_rep)

    assert batch.status == S.INVALID
    assert messages(batch) == [(4, "", "Already in Regia with other values in: “year”, “amount”.")]
    assert Commitment.objects.count() == 1
    assert StatusChange.objects.count() == 0
    assert AuditEntry.objects.count() == audit_entries
    assert not CommitmentGroupObjectPermission.objects.exists()


def test_a_manager_imports_for_partners_of_their_programme(partner, project, manager):
    batch = stage(manager, commitments_csv(partner, project, {}))
    assert services.import_confirm(batch=batch, actor=manager).status == S.APPLIED
    assert Commitment.objects.get().organisation == partner


def test_who_neither_represents_nor_manages_cannot_stage(partner, project, citizen):
    with pytest.raises(ValidationError, match="Only partner representatives"):
        stage(citizen, commitments_csv(partner, project, {}))


# -- disbursements --

DISBURSEMENT_HEADER = [
    "organisation_tax_code",
    "external_reference",
    "commitment_reference",
    "amount",
    "disbursed_on",
    "note",
]


def disbursements_csv(partner, *rows) -> SimpleUploadedFile:
    lines = [DISBURSEMENT_HEADER]
    for index, row in enumerate(rows):
        values = {
            "organisation_tax_code": partner.tax_code,
            "external_reference": f"PAY-{index + 1}",
            "commitment_reference": "GIDA-1",
            "amount": "100,00",
            "disbursed_on": "02/05/2025",
            "note": "",
            **row,
        }
        lines.append([values[code] for code in DISBURSEMENT_HEADER])
    return upload(files.csv_file(lines))


@pytest.fixture
def confirmed(partner, project, partner_rep):
    commitment = services.commitment_pledge(
        actor=partner_rep,
        organisation=partner,
        project=project,
        year=2025,
        kind=Commitment.Kind.CASH_TRANSFER,
        amount=Decimal("1000.00"),
        external_reference="GIDA-1",
    )
    return services.commitment_confirm(
        commitment=commitment, actor=partner_rep, act_reference="Delibera 1"
    )


def test_disbursements_are_imported_as_declared(partner, confirmed, partner_rep):
    batch = stage(
        partner_rep,
        disbursements_csv(partner, {}, {"amount": "900,00", "disbursed_on": "2025-05-03"}),
        kind="disbursements",
    )
    assert batch.status == S.READY, batch.errors
    services.import_confirm(batch=batch, actor=partner_rep)
    assert list(
        Disbursement.objects.order_by("pk").values_list("status", "amount", "organisation")
    ) == [("declared", Decimal("100.00"), partner.pk), ("declared", Decimal("900.00"), partner.pk)]
    assert AuditEntry.objects.filter(verb="disbursement.declared").count() == 2


def test_disbursements_never_exceed_the_commitment_nor_come_from_the_future(
    partner, confirmed, partner_rep
):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    batch = stage(
        partner_rep,
        disbursements_csv(
            partner,
            {"amount": "600"},
            {"amount": "600"},
            {"disbursed_on": tomorrow},
            {"commitment_reference": "NOPE"},
        ),
        kind="disbursements",
    )
    assert messages(batch) == [
        (3, "amount", f"Only {euro(Decimal(400))} of this commitment is left to disburse."),
        (4, "disbursed_on", "A disbursement cannot be dated in the future."),
        (5, "commitment_reference", "No commitment of this partner that you can read."),
    ]


def test_disbursements_on_a_pledge_are_refused(partner, project, partner_rep):
    services.commitment_pledge(
        actor=partner_rep,
        organisation=partner,
        project=project,
        year=2025,
        kind=Commitment.Kind.IN_KIND,
        amount=Decimal("1000.00"),
        external_reference="GIDA-1",
    )
    batch = stage(partner_rep, disbursements_csv(partner, {}), kind="disbursements")
    assert messages(batch)[0][2] == (
        "Money can be declared only on a confirmed commitment that is not yet fulfilled."
    )
