"""The partners pages: who takes part, the agreements they signed, the data they share.

What an organisation does in projects belongs to programme, above this app: the organisation's
own page, which brings both together, is portal's (``portal:organisation``).
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, Value
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.audit import audit_record
from core.htmx import render_page_or_partial
from core.uploads import private_file_response
from partners.forms import DataSharingFilterForm, OrganisationFilterForm
from partners.models import Agreement, Organisation, Signatory
from partners.permissions import can_change_agreement, can_view_agreement_document
from partners.selectors import (
    agreements_visible_to,
    data_sharing_commitments_visible_to,
    obligations_visible_to,
    organisations_visible_to,
)

PAGE_SIZE = 50
# The promoter first, then the signatories, then who joined later: the order of the act.
SIGNATORY_ORDER = {
    Signatory.Role.PROMOTER: 0,
    Signatory.Role.SIGNATORY: 1,
    Signatory.Role.ACCEDING: 2,
}


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@require_safe
def organisation_list(request):
    """Every organisation (who takes part is public), with what the reader may know of it."""
    form = OrganisationFilterForm(request.GET or None)
    agreements = agreements_visible_to(request.user)
    # The agreements column only for who reads some: zeros everywhere would say nothing.
    sees_agreements = agreements.exists()
    organisations = (
        form.filter(organisations_visible_to(request.user))
        .annotate(
            datasets_shared=Count("data_sharing_commitments", distinct=True),
            agreements_signed=Count(
                "signatures",
                filter=Q(signatures__agreement__in=agreements.values("pk")),
                distinct=True,
            )
            if sees_agreements
            else Value(0),
        )
        .order_by("name")
    )
    return render(
        request,
        "partners/organisation_list.html",
        {
            "form": form,
            "page": _page(request, organisations),
            "sees_agreements": sees_agreements,
            "crumbs": [(_("Partners"), "")],
        },
    )


@login_required
@require_safe
def agreement_list(request):
    """The agreements the reader may read, with how many of their obligations are still open."""
    today = timezone.localdate()
    # A partner counts only its own organisation's obligations, as it reads only those.
    visible = Q(obligations__in=obligations_visible_to(request.user).values("pk"))
    still_open = visible & Q(obligations__fulfilled_on__isnull=True)
    agreements = (
        agreements_visible_to(request.user)
        .annotate(
            open_obligations=Count("obligations", filter=still_open),
            overdue_obligations=Count(
                "obligations", filter=still_open & Q(obligations__due_on__lt=today)
            ),
        )
        .order_by("-signed_on", "title")
    )
    return render(
        request,
        "partners/agreement_list.html",
        {
            "page": _page(request, agreements),
            "today": today,
            "crumbs": [
                (_("Partners"), reverse("partners:organisation-list")),
                (_("Agreements"), ""),
            ],
        },
    )


@login_required
@require_safe
def agreement_detail(request, pk: int):
    """An agreement, its signatories, the obligations the reader may read and the data shared
    under it; outside the reader's scope it does not exist (404)."""
    agreement = get_object_or_404(agreements_visible_to(request.user), pk=pk)
    user = request.user
    obligations = obligations_visible_to(user).filter(agreement=agreement)
    shared = data_sharing_commitments_visible_to(user).filter(agreement=agreement)
    admin_url = ""
    if user.is_staff and can_change_agreement(user, agreement):
        admin_url = reverse("admin:partners_agreement_change", args=[agreement.pk])
    return render(
        request,
        "partners/agreement_detail.html",
        {
            "agreement": agreement,
            "signatories": sorted(
                agreement.signatories.all(), key=lambda s: SIGNATORY_ORDER.get(s.role, 99)
            ),
            "obligations": obligations,
            "shared": shared,
            "can_download": bool(agreement.document)
            and bool(can_view_agreement_document(user, agreement)),
            "admin_url": admin_url,
            "today": timezone.localdate(),
            "crumbs": [
                (_("Partners"), reverse("partners:organisation-list")),
                (_("Agreements"), reverse("partners:agreement-list")),
                (agreement.title, ""),
            ],
        },
    )


@require_safe
def data_sharing_list(request):
    """The Situation Room's feed register, public, filtered by partner and dataset category.

    An htmx request gets only the results, which replace the old ones in place.
    """
    user = request.user
    commitments = data_sharing_commitments_visible_to(user)
    form = DataSharingFilterForm(
        request.GET or None,
        organisations=Organisation.objects.filter(
            pk__in=commitments.values("organisation_id")
        ).order_by("name"),
    )
    # The agreement's title and link only for who may read the agreement.
    agreement_readable = (
        Exists(agreements_visible_to(user).filter(pk=OuterRef("agreement_id")).values("pk"))
        if user.is_authenticated
        else Value(False)
    )
    commitments = form.filter(commitments).annotate(agreement_readable=agreement_readable)
    context = {
        "form": form,
        "page": _page(request, commitments),
        "today": timezone.localdate(),
        "crumbs": [
            (_("Partners"), reverse("partners:organisation-list")),
            (_("Data-sharing register"), ""),
        ],
    }
    return render_page_or_partial(
        request, "partners/data_sharing_list.html", "partners/_data_sharing_results.html", context
    )


@login_required
@require_safe
def obligation_list(request):
    """What the reader's organisation must do under the agreements it signed, and by when:
    open obligations first, the most urgent on top, overdue ones said in words; a manager
    reads those of every agreement they can read."""
    today = timezone.localdate()
    obligations = obligations_visible_to(request.user).order_by(
        F("fulfilled_on").asc(nulls_first=True), "due_on", "pk"
    )
    page = _page(request, obligations)
    for obligation in page.object_list:
        late = (obligation.fulfilled_on or today) - obligation.due_on
        obligation.days_late = late.days
    return render(
        request,
        "partners/obligation_list.html",
        {
            "page": page,
            "today": today,
            "several_organisations": obligations.values("organisation_id").distinct().count() > 1,
            "crumbs": [
                (_("Partners"), reverse("partners:organisation-list")),
                (_("Obligations"), ""),
            ],
        },
    )


@require_safe
def agreement_document(request, pk: int):
    """Download an agreement's signed document, for those who may read it.

    A GET that writes: each download of a private document is audited, on purpose.
    """
    agreement = get_object_or_404(Agreement, pk=pk)
    if not agreement.document or not can_view_agreement_document(request.user, agreement):
        # 404, not 403: who may not read it need not know it exists.
        raise Http404
    audit_record(actor=request.user, verb="agreement.document_downloaded", target=agreement)
    extension = agreement.document.name.rsplit(".", 1)[-1]
    return private_file_response(
        agreement.document, download_name=f"accordo-{agreement.pk}.{extension}"
    )
