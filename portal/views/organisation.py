"""An organisation's page: who it is, what it signed and shares (partners), the projects it
takes part in (programme) and its co-financing (funding).

It lives in portal because it brings those apps together: partners, below programme, cannot
read participations. Every part starts from its selector, so each reader sees only their share.
"""

from django.db.models import Count, Exists, F, OuterRef, Value
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.money import money_sum
from funding.models import Commitment
from funding.selectors import commitments_visible_to, restates_private_investment
from partners.models import Signatory
from partners.permissions import can_change_organisation
from partners.selectors import (
    agreements_visible_to,
    data_sharing_commitments_visible_to,
    memberships_visible_to,
    obligations_visible_to,
    organisations_visible_to,
)
from programme.selectors import participations_visible_to


def _agreements_signed(user, organisation):
    """The organisation's signatures on the agreements the reader may read: its role in each."""
    return (
        Signatory.objects.filter(
            organisation=organisation, agreement__in=agreements_visible_to(user).values("pk")
        )
        .select_related("agreement")
        .order_by("-agreement__signed_on", "agreement__title")
    )


def _co_financing(user, organisation):
    """The organisation's co-financing the reader may read, summed by status in the database;
    its private investment, shown beside the budget, is not co-financing."""
    rows = (
        commitments_visible_to(user)
        .filter(organisation=organisation)
        .exclude(restates_private_investment())
        .order_by()
        .values("status")
        .annotate(
            count=Count("pk"), amount=money_sum("amount"), disbursed=money_sum("disbursed_amount")
        )
    )
    labels = dict(Commitment.Status.choices)
    order = list(labels)
    return [
        {**row, "label": labels[row["status"]]}
        for row in sorted(rows, key=lambda row: order.index(row["status"]))
    ]


@require_safe
def organisation(request, pk: int):
    """Who the organisation is and what it does; each part shows only the reader's share, and
    the page answers 404 only for an organisation that does not exist (all are public)."""
    user = request.user
    organisation = get_object_or_404(organisations_visible_to(user), pk=pk)
    agreement_readable = (
        Exists(agreements_visible_to(user).filter(pk=OuterRef("agreement_id")).values("pk"))
        if user.is_authenticated
        else Value(False)
    )
    participations = (
        participations_visible_to(user)
        .filter(organisation=organisation)
        .select_related("project__programme")
        .order_by("project__programme__name", "project__title")
    )
    admin_url = ""
    if user.is_staff and can_change_organisation(user, organisation):
        admin_url = reverse("admin:partners_organisation_change", args=[organisation.pk])
    return render(
        request,
        "portal/organisation.html",
        {
            "organisation": organisation,
            "participations": participations,
            "memberships": memberships_visible_to(user)
            .filter(organisation=organisation)
            .order_by(F("ended_on").asc(nulls_first=True), "user__last_name", "user__username"),
            "signatures": _agreements_signed(user, organisation),
            "obligations": obligations_visible_to(user).filter(organisation=organisation),
            "shared": data_sharing_commitments_visible_to(user)
            .filter(organisation=organisation)
            .annotate(agreement_readable=agreement_readable),
            "co_financing": _co_financing(user, organisation),
            "admin_url": admin_url,
            "today": timezone.localdate(),
            "crumbs": [
                (_("Partners"), reverse("partners:organisation-list")),
                (organisation.name, ""),
            ],
        },
    )
