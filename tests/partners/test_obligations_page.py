"""“My obligations”: what the reader's organisation must do under the agreements, by when.

A partner reads its own organisation's obligations only; managers and council members read
those of every agreement they can read; overdue ones are said in words.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ObligationFactory, OrganisationFactory, SignatoryFactory
from tests.partners.test_pages import get, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def obligations(agreement, municipality, partner):
    today = timezone.localdate()
    other = OrganisationFactory(name="Citelum Italia S.r.l.")
    SignatoryFactory(agreement=agreement, organisation=other)
    return {
        "overdue": ObligationFactory(
            agreement=agreement,
            organisation=partner,
            description="Condividere i dati dei parcheggi",
            due_on=today - datetime.timedelta(days=12),
        ),
        "open": ObligationFactory(
            agreement=agreement,
            organisation=partner,
            description="Installare i sensori",
            due_on=today + datetime.timedelta(days=30),
        ),
        "fulfilled": ObligationFactory(
            agreement=agreement,
            organisation=partner,
            description="Nominare il referente",
            due_on=today - datetime.timedelta(days=60),
            fulfilled_on=today - datetime.timedelta(days=70),
        ),
        "others": ObligationFactory(
            agreement=agreement,
            organisation=other,
            description="Illuminazione intelligente",
            due_on=today - datetime.timedelta(days=3),
        ),
    }


@pytest.fixture
def reader(request):
    return None if request.param == "anonymous" else request.getfixturevalue(request.param)


def test_anonymous_is_asked_to_log_in(client, obligations):
    response = get(client, reverse("partners:obligation-list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_partner_reads_its_own_obligations_overdue_in_words(client, obligations, partner_rep):
    page = text(get(client, reverse("partners:obligation-list"), partner_rep))

    assert "Condividere i dati dei parcheggi" in page
    assert "Overdue by 12 days" in page
    assert "Installare i sensori" in page
    assert "To be fulfilled" in page
    assert "Nominare il referente" in page
    assert "Fulfilled" in page
    assert "Illuminazione intelligente" not in page
    # Open obligations first, the most urgent on top; fulfilled ones last.
    assert (
        page.index("Condividere i dati")
        < page.index("Installare i sensori")
        < page.index("Nominare il referente")
    )


def test_overdue_said_in_italian(client, obligations, partner_rep):
    client.force_login(partner_rep)

    page = text(client.get(reverse("partners:obligation-list"), HTTP_ACCEPT_LANGUAGE="it"))

    assert "Scaduto da 12 giorni" in page


@pytest.mark.parametrize(
    ("reader", "sees_all"),
    [("manager", True), ("council_member", True), ("citizen", False), ("partner_rep", False)],
    indirect=["reader"],
)
def test_managers_read_every_obligation(client, obligations, reader, sees_all):
    page = text(get(client, reverse("partners:obligation-list"), reader))

    assert ("Illuminazione intelligente" in page) is sees_all
    if sees_all:
        assert "Citelum Italia S.r.l." in page
