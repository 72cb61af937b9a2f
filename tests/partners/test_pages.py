"""The partners pages: organisations, agreements and the data-sharing register.

Each reader sees what docs/permissions.md gives their role: organisations and the register
are public; agreements and obligations belong to the signatories, the programme managers and
the council; an agreement outside the reader's scope does not exist (404).
"""

import datetime
import html as htmllib
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.models import Commitment
from partners.models import DataSharingCommitment, Organisation
from programme.models import Project
from tests.factories import (
    AgreementFactory,
    CommitmentFactory,
    DataSharingCommitmentFactory,
    MembershipFactory,
    ObligationFactory,
    OrganisationFactory,
    ProjectFactory,
    ProjectParticipationFactory,
    SignatoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["manager", "council_member", "partner_rep", "citizen"]


def get(client, url, user=None, query=None, **headers):
    """The page as the user reads it, in English so the tests can read it too."""
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url, query, HTTP_ACCEPT_LANGUAGE="en", **headers)


def text(response) -> str:
    """The page's visible words, tags removed and spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def reader(request):
    """The user of a role, by the name of its fixture; None for an anonymous visitor."""
    return None if request.param == "anonymous" else request.getfixturevalue(request.param)


@pytest.fixture
def other_partner(db) -> Organisation:
    return OrganisationFactory(name="Citelum Italia S.r.l.", kind=Organisation.Kind.UTILITY)


@pytest.fixture
def other_agreement(municipality, other_partner):
    """An agreement the partner did not sign."""
    agreement = AgreementFactory(
        title="Convenzione per l'illuminazione pubblica", kind="convention"
    )
    SignatoryFactory(agreement=agreement, organisation=municipality, role="promoter")
    SignatoryFactory(agreement=agreement, organisation=other_partner)
    return agreement


@pytest.fixture
def obligations(agreement, municipality, partner):
    """The partner's overdue obligation, its fulfilled one, and the municipality's."""
    today = timezone.localdate()
    return {
        "overdue": ObligationFactory(
            agreement=agreement,
            organisation=partner,
            description="Condividere i dati della rete fognaria",
            due_on=today - datetime.timedelta(days=40),
        ),
        "fulfilled": ObligationFactory(
            agreement=agreement,
            organisation=partner,
            description="Nominare un referente tecnico",
            due_on=datetime.date(2019, 6, 30),
            fulfilled_on=datetime.date(2019, 6, 20),
        ),
        "municipality": ObligationFactory(
            agreement=agreement,
            organisation=municipality,
            description="Convocare il gruppo di lavoro",
            due_on=today + datetime.timedelta(days=30),
        ),
    }


# --- organisations ---------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["anonymous", *ROLES], indirect=True)
def test_everyone_reads_the_list_of_organisations(client, reader, partner, other_partner):
    response = get(client, reverse("partners:organisation-list"), reader)

    assert response.status_code == 200
    page = text(response)
    assert "Gida S.p.A." in page
    assert "Citelum Italia S.r.l." in page


def test_organisations_filter_by_kind(client, partner, municipality):
    response = get(client, reverse("partners:organisation-list"), query={"kind": "municipality"})

    page = text(response)
    assert "Comune di Livorno" in page
    assert "Gida S.p.A." not in page


def test_agreements_column_counts_only_what_the_reader_may_read(
    client, agreement, other_agreement, partner_rep, manager, municipality
):
    def signed_by_municipality(user):
        html = get(client, reverse("partners:organisation-list"), user).content.decode()
        row = re.search(r"Comune di Livorno</a>.*?</tr>", html, flags=re.S).group(0)
        return re.findall(r'<td class="text-end">(\d+)</td>', row)[-1]

    assert signed_by_municipality(manager) == "2"
    assert signed_by_municipality(partner_rep) == "1"
    anonymous = text(get(client, reverse("partners:organisation-list")))
    assert "Agreements signed" not in anonymous


def test_unknown_organisation_is_404(client):
    assert get(client, reverse("portal:organisation", args=[999_999])).status_code == 404


def test_organisation_page_shows_roles_in_public_projects_to_visitors(
    client, programme, partner, project
):
    public = ProjectFactory(
        programme=programme, title="Rete in fibra", status=Project.Status.IN_PROGRESS
    )
    ProjectParticipationFactory(project=public, organisation=partner, role="data_provider")

    page = text(get(client, reverse("portal:organisation", args=[partner.pk])))

    assert "Rete in fibra" in page
    assert "Data provider" in page
    # The proposed project is not public yet.
    assert "Open City platform" not in page


def test_organisation_page_shows_a_partner_its_own_projects_people_and_obligations(
    client, partner, partner_rep, project, obligations
):
    page = text(get(client, reverse("portal:organisation", args=[partner.pk]), partner_rep))

    assert "Open City platform" in page  # proposed, but the partner takes part in it
    assert "Co-financer" in page
    assert partner_rep.get_full_name() in page.split("People")[-1]
    assert "Condividere i dati della rete fognaria" in page
    assert "Protocollo d'Intesa per la Situation Room" in page


@pytest.mark.parametrize("reader", ["anonymous", "citizen"], indirect=True)
def test_organisation_page_hides_agreements_obligations_and_people_from_the_public(
    client, reader, partner, partner_rep, agreement, obligations
):
    page = text(get(client, reverse("portal:organisation", args=[partner.pk]), reader))

    assert "Gida S.p.A." in page
    assert "Situation Room" not in page
    assert "Condividere i dati della rete fognaria" not in page
    assert partner_rep.get_full_name() not in page
    assert "People" not in page


def test_partner_does_not_see_another_organisations_people_or_obligations(
    client, partner_rep, other_partner, other_agreement
):
    MembershipFactory(
        user=UserFactory(username="partner.citelum", first_name="", last_name=""),
        organisation=other_partner,
    )
    ObligationFactory(
        agreement=other_agreement, organisation=other_partner, description="Sostituire i pali"
    )

    page = text(get(client, reverse("portal:organisation", args=[other_partner.pk]), partner_rep))

    assert "partner.citelum" not in page
    assert "Sostituire i pali" not in page
    assert "Convenzione per l" not in page


def test_organisation_page_sums_the_co_financing_the_reader_may_read(
    client, partner, manager, project, citizen
):
    C = Commitment.Status
    CommitmentFactory(
        organisation=partner, project=project, amount=Decimal(80000), status=C.PLEDGED
    )
    CommitmentFactory(
        organisation=partner, project=project, amount=Decimal(12000), status=C.FULFILLED
    )
    url = reverse("portal:organisation", args=[partner.pk])

    managed = text(get(client, url, manager))
    public = text(get(client, url, citizen))

    assert "Pledged 1 80,000.00 € 0.00 €" in managed
    assert "Fulfilled 1 12,000.00 € 12,000.00 €" in managed
    assert "Co-financing" not in public


def test_edit_link_to_the_back_office_only_for_staff_who_may_change(
    client, partner, manager, admin_user
):
    url = reverse("portal:organisation", args=[partner.pk])
    admin_change = reverse("admin:partners_organisation_change", args=[partner.pk])

    assert admin_change in get(client, url, admin_user).content.decode()
    assert admin_change not in get(client, url, manager).content.decode()


# --- agreements --------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_log_in_for_agreements(client, agreement):
    for url in (
        reverse("partners:agreement-list"),
        reverse("partners:agreement-detail", args=[agreement.pk]),
    ):
        response = get(client, url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("reader", "sees_own", "sees_other"),
    [
        ("manager", True, True),
        ("council_member", True, True),
        ("partner_rep", True, False),
        ("project_manager", False, False),
        ("citizen", False, False),
    ],
    indirect=["reader"],
)
def test_agreement_list_shows_what_the_role_may_read(
    client, reader, sees_own, sees_other, agreement, other_agreement
):
    response = get(client, reverse("partners:agreement-list"), reader)

    assert response.status_code == 200
    page = text(response)
    assert ("Situation Room" in page) is sees_own
    assert ("illuminazione pubblica" in page) is sees_other
    if not sees_own:
        assert "No agreement to show" in page


def test_agreement_list_counts_open_and_overdue_obligations(client, manager, obligations):
    page = text(get(client, reverse("partners:agreement-list"), manager))

    # Two still open (one overdue, one due in a month), one fulfilled.
    assert re.search(r"\b2 1 overdue\b", page)


@pytest.mark.parametrize(
    ("reader", "status"),
    [
        ("manager", 200),
        ("council_member", 200),
        ("partner_rep", 404),
        ("project_manager", 404),
        ("citizen", 404),
    ],
    indirect=["reader"],
)
def test_agreement_outside_the_readers_scope_is_404(client, reader, status, other_agreement):
    url = reverse("partners:agreement-detail", args=[other_agreement.pk])

    assert get(client, url, reader).status_code == status


def test_agreement_page_shows_signatories_scope_and_validity(client, partner_rep, agreement):
    page = text(get(client, reverse("partners:agreement-detail", args=[agreement.pk]), partner_rep))

    assert "Protocollo d'Intesa per la Situation Room" in page
    assert "Rete in fibra ottica a banda ultralarga" in page  # the scope
    assert "Comune di Livorno Promoter" in page
    assert "Gida S.p.A. Signatory" in page
    assert "From May 20, 2013 to May 19, 2016" in page
    assert "Expired" in page


def test_overdue_obligation_is_labelled_in_words(client, manager, agreement, obligations):
    html = get(client, reverse("partners:agreement-detail", args=[agreement.pk]), manager)
    page = text(html)

    overdue = re.search(r"Condividere i dati della rete fognaria.*?(?=Convocare|Nominare|$)", page)
    assert "Overdue" in overdue.group(0)
    assert "not fulfilled, late by 1 month" in overdue.group(0)
    assert "Fulfilled on June 20, 2019" in page
    assert "To be fulfilled" in page  # the municipality's, due next month
    assert page.count("Overdue") == 1


def test_partner_reads_only_its_own_obligations_under_an_agreement(
    client, partner_rep, agreement, obligations
):
    page = text(get(client, reverse("partners:agreement-detail", args=[agreement.pk]), partner_rep))

    assert "Condividere i dati della rete fognaria" in page
    assert "Convocare il gruppo di lavoro" not in page
    assert "You see the obligations of your organisation." in page


@pytest.mark.parametrize("reader", ["manager", "council_member", "partner_rep"], indirect=True)
def test_document_link_for_who_may_download_it(client, reader, agreement):
    download = reverse("partners:agreement-document", args=[agreement.pk])

    html = get(client, reverse("partners:agreement-detail", args=[agreement.pk]), reader)

    assert download in html.content.decode()
    assert get(client, download, reader).status_code == 200


def test_no_document_link_without_a_document(client, manager, other_agreement):
    html = get(client, reverse("partners:agreement-detail", args=[other_agreement.pk]), manager)

    assert "/document/" not in html.content.decode()
    assert "Download the signed document" not in text(html)


def test_no_document_link_for_who_may_not_download_it(client, partner_rep, other_agreement):
    other_agreement.document = "agreements/convenzione.pdf"
    other_agreement.save()
    download = reverse("partners:agreement-document", args=[other_agreement.pk])

    listing = get(client, reverse("partners:agreement-list"), partner_rep).content.decode()

    assert download not in listing
    assert get(client, download, partner_rep).status_code == 404


def test_agreement_edit_link_only_for_staff_who_may_change_it(
    client, agreement, admin_user, council_member
):
    url = reverse("partners:agreement-detail", args=[agreement.pk])
    admin_change = reverse("admin:partners_agreement_change", args=[agreement.pk])
    council_member.is_staff = True
    council_member.save()

    assert admin_change in get(client, url, admin_user).content.decode()
    assert admin_change not in get(client, url, council_member).content.decode()


# --- the data-sharing register -----------------------------------------------------------


@pytest.fixture
def register(agreement, partner, other_partner):
    D = DataSharingCommitment.Dataset
    return [
        DataSharingCommitmentFactory(
            agreement=agreement,
            organisation=partner,
            dataset=D.TERRITORY,
            description="Stato della rete fognaria",
        ),
        DataSharingCommitmentFactory(
            agreement=None,
            organisation=other_partner,
            dataset=D.MOBILITY,
            description="Flussi di traffico ai semafori",
            until=datetime.date(2021, 12, 31),
        ),
        DataSharingCommitmentFactory(
            agreement=None,
            organisation=other_partner,
            dataset=D.ENERGY,
            description="Consumi dell'illuminazione",
            frequency="monthly",
            licence="IODL-2.0",
        ),
    ]


@pytest.mark.parametrize("reader", ["anonymous", *ROLES], indirect=True)
def test_everyone_reads_the_data_sharing_register(client, reader, register):
    response = get(client, reverse("partners:data-sharing-list"), reader)

    assert response.status_code == 200
    page = text(response)
    for description in ("Stato della rete fognaria", "Flussi di traffico", "Consumi"):
        assert description in page
    assert "IODL 2.0" in page
    assert "Monthly" in page
    assert "Ended on Dec. 31, 2021" in page
    assert "3 data-sharing commitments" in page


def test_register_filters_by_partner_and_dataset_category(client, register, other_partner):
    url = reverse("partners:data-sharing-list")

    by_partner = text(get(client, url, query={"organisation": other_partner.pk}))
    by_both = text(get(client, url, query={"organisation": other_partner.pk, "dataset": "energy"}))

    assert "Stato della rete fognaria" not in by_partner
    assert "Flussi di traffico" in by_partner and "Consumi" in by_partner
    assert "Consumi" in by_both and "Flussi di traffico" not in by_both


def test_register_filter_with_a_bad_value_says_so_and_shows_everything(client, register):
    page = text(get(client, reverse("partners:data-sharing-list"), query={"dataset": "weather"}))

    assert "Select a valid choice" in page
    assert "3 data-sharing commitments" in page


def test_register_pages_keep_the_filters(client, partner):
    for _ in range(55):
        DataSharingCommitmentFactory(
            agreement=None, organisation=OrganisationFactory(), dataset="parking"
        )
    DataSharingCommitmentFactory(agreement=None, organisation=partner, dataset="energy")
    url = reverse("partners:data-sharing-list")

    first = get(client, url, query={"dataset": "parking"})
    second = get(client, url, query={"dataset": "parking", "page": 2})

    assert "Page 1 of 2" in text(first)
    assert "?dataset=parking&amp;page=2" in first.content.decode()
    assert "55 data-sharing commitments" in text(second)
    assert "Page 2 of 2" in text(second)
    assert second.content.decode().count("<tr>") == 5 + 1  # five rows and the header


def test_register_answers_htmx_with_the_results_only(client, register):
    response = get(
        client,
        reverse("partners:data-sharing-list"),
        query={"dataset": "mobility"},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert "<html" not in html
    assert 'id="data-sharing-results"' in html
    assert "Flussi di traffico" in html and "Stato della rete fognaria" not in html


def test_register_links_the_agreement_only_for_who_may_read_it(
    client, register, agreement, partner_rep, citizen
):
    link = reverse("partners:agreement-detail", args=[agreement.pk])
    url = reverse("partners:data-sharing-list")

    assert link in get(client, url, partner_rep).content.decode()
    for user in (None, citizen):
        response = get(client, url, user)
        assert link not in response.content.decode()
        assert "Protocollo d'Intesa per la Situation Room" not in text(response)
        assert "An agreement among the partners" in text(response)


# --- query counts ----------------------------------------------------------------------


def _fill(n, municipality):
    """n organisations, each signing an agreement with the municipality, with an obligation
    and a data-sharing commitment."""
    for _ in range(n):
        organisation = OrganisationFactory()
        agreement = AgreementFactory()
        SignatoryFactory(agreement=agreement, organisation=municipality)
        SignatoryFactory(agreement=agreement, organisation=organisation)
        ObligationFactory(agreement=agreement, organisation=organisation)
        DataSharingCommitmentFactory(agreement=agreement, organisation=organisation)
        MembershipFactory(organisation=organisation)


# The organisation's page reads six apps' worth of scope (permissions, assignments, guardian
# object permissions): more queries than a list, but just as few at 100 rows as at 10.
PAGES = [
    ("partners:organisation-list", False, 14),
    ("partners:agreement-list", False, 14),
    ("partners:data-sharing-list", False, 14),
    ("portal:organisation", True, 22),
]


@pytest.mark.parametrize("reader", ["anonymous", "manager", "partner_rep"], indirect=True)
@pytest.mark.parametrize(("name", "of_municipality", "most"), PAGES)
def test_pages_run_a_constant_number_of_queries_at_10_and_100_rows(
    client,
    reader,
    name,
    of_municipality,
    most,
    municipality,
    partner,
    django_assert_max_num_queries,
):
    url = reverse(name, args=[municipality.pk] if of_municipality else [])
    if reader is not None:
        client.force_login(reader)
    # Every page holds at most 50 rows: 100 rows need a second page, and still no more queries.
    _fill(10, municipality)
    with django_assert_max_num_queries(most) as with_10:
        assert client.get(url).status_code in (200, 302)
    _fill(90, municipality)
    with django_assert_max_num_queries(most) as with_100:
        assert client.get(url).status_code in (200, 302)

    assert len(with_100.captured_queries) == len(with_10.captured_queries)


def test_register_answers_an_htmx_history_restore_with_the_whole_page(client, register):
    response = get(
        client,
        reverse("partners:data-sharing-list"),
        query={"dataset": "mobility"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )

    assert "<html" in response.content.decode()
    assert "HX-Request" in response.headers["Vary"]
