"""The finance office's verification: the disbursements partners declared, oldest first, for
the programme's managers to verify (the riscossione: from then on the money counts as
received) or to reject with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.permissions import require
from funding import services
from funding.forms import RejectForm
from funding.models import Disbursement
from funding.permissions import can_open_verification_queue, can_review_disbursement
from funding.selectors import disbursements_awaiting_verification, reviewable_disbursements

PAGE_SIZE = 50


def _reviewable(request, pk: int) -> Disbursement:
    """A disbursement of the reader's programmes (outside them: 404) they may review (403)."""
    disbursement = get_object_or_404(
        reviewable_disbursements(request.user).select_related(
            "commitment__project", "commitment__plan_action__phase__plan"
        ),
        pk=pk,
    )
    require(can_review_disbursement(request.user, disbursement))
    return disbursement


@login_required
@require_safe
def disbursement_queue(request):
    """What the finance office has to verify, oldest declaration first."""
    require(can_open_verification_queue(request.user))
    disbursements = (
        disbursements_awaiting_verification(request.user)
        .select_related(
            "commitment__organisation",
            "commitment__project__programme",
            "commitment__plan_action__phase__plan__programme",
            "declared_by",
        )
        .order_by("created_at", "pk")
    )
    page = Paginator(disbursements, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "funding/disbursement_queue.html",
        {"page": page, "crumbs": [(_("Disbursements to verify"), "")]},
    )


@login_required
@require_POST
def disbursement_verify(request, pk: int):
    """Verify a declared disbursement: it now counts as received on its commitment."""
    disbursement = _reviewable(request, pk)
    try:
        services.disbursement_verify(disbursement=disbursement, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The disbursement of %(partner)s is verified: it now counts as received.")
            % {"partner": disbursement.commitment.organisation},
        )
    return redirect("funding:disbursement-queue")


@login_required
@require_http_methods(["GET", "POST"])
def disbursement_reject(request, pk: int):
    """Reject a declared disbursement, saying why: the partner may declare it again."""
    disbursement = _reviewable(request, pk)
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.disbursement_reject(
                disbursement=disbursement,
                actor=request.user,
                reason=form.cleaned_data["rejection_reason"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The disbursement has been rejected."))
            return redirect("funding:disbursement-queue")
    title = _("Reject the disbursement")
    return render(
        request,
        "funding/disbursement_reject.html",
        {
            "disbursement": disbursement,
            "form": form,
            "title": title,
            "crumbs": [
                (_("Disbursements to verify"), reverse("funding:disbursement-queue")),
                (title, ""),
            ],
            "cancel_url": reverse("funding:disbursement-queue"),
        },
    )
