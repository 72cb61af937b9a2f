"""The partner portal: a partner's commitments, its pledges, their confirmation or withdrawal,
and the disbursements it declares with their evidence.

Every page follows docs/permissions.md: the commitment comes from the reader's selector
(outside it: 404), the predicate decides the action on GET and POST alike (refused: 403 with
its reason), and the form's data goes to a service, whose refusals show on the form with
nothing saved.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from core.audit import audit_record
from core.htmx import render_page_or_partial
from core.money import money_sum
from core.permissions import Allowed, require
from core.uploads import private_file_response
from funding import services
from funding.forms import (
    CommitmentFilterForm,
    CommitmentForm,
    ConfirmForm,
    DisbursementForm,
    WithdrawForm,
)
from funding.models import Commitment, Disbursement
from funding.permissions import (
    can_change_commitment,
    can_declare_disbursement,
    can_move_commitment,
    can_pledge_commitment,
    can_use_partner_portal,
    commitment_programme_id,
)
from funding.selectors import (
    commitment_access,
    commitments_visible_to,
    disbursements_visible_to,
    fully_visible_commitments,
)
from programme.workflow import status_history, status_label

C = Commitment.Status
D = Disbursement.Status
PAGE_SIZE = 50
form_methods = require_http_methods(["GET", "POST"])

# What a commitment's state means, and what comes next.
NEXT_STEP = {
    C.PLEDGED: gettext_lazy(
        "The partner has promised this money, subject to its budget. Next, the partner "
        "confirms it with the reference of its own budget act, or withdraws it saying why."
    ),
    C.CONFIRMED: gettext_lazy(
        "The partner's budget act backs this commitment. Next, the partner declares the money "
        "it pays or spends; each disbursement counts once the finance office verifies it."
    ),
    C.PARTLY_DISBURSED: gettext_lazy(
        "Part of the money has been verified by the finance office. The rest is still to be "
        "declared by the partner and verified."
    ),
    C.FULFILLED: gettext_lazy(
        "All the money has been verified by the finance office: nothing more is due."
    ),
    C.WITHDRAWN: gettext_lazy("The partner withdrew this commitment: nothing more is due."),
}
DECLARABLE = (C.CONFIRMED, C.PARTLY_DISBURSED)


def _detail_url(commitment: Commitment) -> str:
    return reverse("funding:commitment-detail", args=[commitment.pk])


def _crumbs(*more: tuple[str, str]) -> list[tuple[str, str]]:
    return [(_("Co-financing"), reverse("funding:commitment-list")), *more]


def _commitment_crumbs(commitment: Commitment, title: str) -> list[tuple[str, str]]:
    return _crumbs((str(commitment), _detail_url(commitment)), (title, ""))


def _with_targets(commitments):
    return commitments.select_related(
        "organisation", "project__programme", "plan_action__phase__plan__programme"
    )


def _visible_commitment(request, pk: int, scope=fully_visible_commitments) -> Commitment:
    return get_object_or_404(_with_targets(scope(request.user)), pk=pk)


def _room(commitment: Commitment):
    """What is left to declare: the amount less every disbursement not rejected."""
    return commitment.amount - commitment.declared_or_verified()


# -- the list --------------------------------------------------------------------------------


@dataclass
class Group:
    """The commitments to one project or plan action in one year, with their totals."""

    target: object
    year: int
    rows: list

    @property
    def amount(self):
        return sum((row.amount for row in self.rows if row.status != C.WITHDRAWN), start=0)

    @property
    def declared(self):
        return sum((row.declared for row in self.rows), start=0)

    @property
    def verified(self):
        return sum((row.disbursed_amount for row in self.rows), start=0)


def _groups(rows) -> list[Group]:
    """Consecutive rows (the list is ordered so) of one target and year, as one group."""
    key = attrgetter("project_id", "plan_action_id", "year")
    return [
        Group(target=rows[0].project or rows[0].plan_action, year=rows[0].year, rows=rows)
        for rows in (list(group) for _key, group in groupby(rows, key=key))
    ]


@login_required
@require_safe
def commitment_list(request):
    """The commitments the reader follows in full: a partner's organisation's, a manager's
    programmes', grouped by project or plan action and year, with what is declared and what
    is verified; filtered by year, status and (for who sees several) organisation."""
    require(can_use_partner_portal(request.user))
    visible = fully_visible_commitments(request.user)
    form = CommitmentFilterForm(request.GET or None, commitments=visible)
    chosen = form.filter(visible)
    commitments = (
        _with_targets(chosen)
        .annotate(
            declared=money_sum("disbursements__amount", filter=Q(disbursements__status=D.DECLARED)),
            target_title=Coalesce(F("project__title"), F("plan_action__title")),
        )
        .order_by("target_title", "project_id", "plan_action_id", "-year", "organisation__name")
    )
    firm = Q(status__in=Commitment.FIRM_STATUSES)
    totals = chosen.aggregate(
        pledged=money_sum("amount", filter=Q(status=C.PLEDGED)),
        firm=money_sum("amount", filter=firm),
        verified=money_sum("disbursed_amount", filter=firm),
    )
    totals["declared"] = Disbursement.objects.filter(
        commitment__in=chosen.values("pk"), status=D.DECLARED
    ).aggregate(total=money_sum("amount"))["total"]
    page = Paginator(commitments, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "groups": _groups(list(page.object_list)),
        "totals": totals,
        "crumbs": [(_("Co-financing"), "")],
    }
    return render_page_or_partial(
        request, "funding/commitment_list.html", "funding/_commitment_results.html", context
    )


# -- pledge and edit --------------------------------------------------------------------------


def _form_page(request, form, *, title, crumbs, cancel_url, submit_label, **context):
    return render(
        request,
        "funding/commitment_form.html",
        {
            "form": form,
            "title": title,
            "crumbs": crumbs,
            "cancel_url": cancel_url,
            "submit_label": submit_label,
            **context,
        },
    )


def _terms(data: dict) -> dict:
    return {name: value for name, value in data.items() if name != "organisation"}


@login_required
@form_methods
def commitment_pledge(request):
    """A partner pledges co-financing for a project or a plan action (a manager may record it
    for a partner of their programme)."""
    user = request.user
    require(can_use_partner_portal(user))
    form = CommitmentForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        require(can_pledge_commitment(user, Commitment(**data)))
        try:
            commitment = services.commitment_pledge(actor=user, **data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("The pledge has been recorded: confirm it once the budget act is approved."),
            )
            return redirect(_detail_url(commitment))
    return _form_page(
        request,
        form,
        title=_("New pledge"),
        crumbs=_crumbs((_("New pledge"), "")),
        cancel_url=reverse("funding:commitment-list"),
        submit_label=_("Record the pledge"),
    )


@login_required
@form_methods
def commitment_edit(request, pk: int):
    """The partner changes its pledge while it is only a pledge."""
    commitment = _visible_commitment(request, pk)
    require(can_change_commitment(request.user, commitment))
    form = CommitmentForm(request.POST or None, instance=copy.copy(commitment), user=request.user)
    refusal = ""
    if commitment.status != C.PLEDGED:
        refusal = _("Only a pledge can be changed: once confirmed, its terms stay as they are.")
    elif request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.commitment_update(commitment=commitment, actor=request.user, **changes)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your changes to the pledge have been saved."))
            return redirect(_detail_url(commitment))
    return _form_page(
        request,
        form,
        title=_("Change the pledge"),
        crumbs=_commitment_crumbs(commitment, _("Change the pledge")),
        cancel_url=_detail_url(commitment),
        submit_label=_("Save changes"),
        subject=str(commitment),
        refusal=refusal,
    )


# -- the detail ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """A button of the commitment's page, or why the reader cannot press it."""

    label: str
    url: str
    allowed: bool
    reason: str = ""
    danger: bool = False


def _action(label, url_name, commitment, predicate: Allowed, status_ok: bool, why_not: str, **kw):
    if not predicate:
        return Action(label, "", False, predicate.reason, **kw)
    if not status_ok:
        return Action(label, "", False, why_not, **kw)
    return Action(label, reverse(url_name, args=[commitment.pk]), True, **kw)


def _actions(user, commitment: Commitment) -> list[Action]:
    moves = can_move_commitment(user, commitment)
    status = commitment.get_status_display()
    return [
        _action(
            _("Change the pledge"),
            "funding:commitment-edit",
            commitment,
            can_change_commitment(user, commitment),
            commitment.status == C.PLEDGED,
            _("only a pledge can be changed; this commitment is “%(status)s”.")
            % {"status": status},
        ),
        _action(
            _("Confirm with the budget act"),
            "funding:commitment-confirm",
            commitment,
            moves,
            commitment.status == C.PLEDGED,
            _("only a pledge can be confirmed; this commitment is “%(status)s”.")
            % {"status": status},
        ),
        _action(
            _("Declare a disbursement"),
            "funding:disbursement-declare",
            commitment,
            can_declare_disbursement(user, commitment),
            commitment.status in DECLARABLE,
            _("money is declared on a confirmed commitment not yet fulfilled."),
        ),
        _action(
            _("Withdraw"),
            "funding:commitment-withdraw",
            commitment,
            moves,
            commitment.status in (C.PLEDGED, C.CONFIRMED),
            _("a commitment that has received money, or is withdrawn, cannot be withdrawn."),
            danger=True,
        ),
    ]


def _field_history(commitment: Commitment) -> list[dict]:
    """Who changed which term of the commitment, and from what to what, latest first."""
    records = list(commitment.history.select_related("history_user").order_by("history_date"))
    lines = []
    previous = None
    for record in records:
        if previous is not None:
            changes = [
                {
                    "field": Commitment._meta.get_field(change.field).verbose_name,
                    "old": change.old,
                    "new": change.new,
                }
                for change in record.diff_against(previous).changes
                if change.field not in ("updated_at", "created_at")
            ]
            if changes:
                lines.append({"record": record, "changes": changes})
        else:
            lines.append({"record": record, "changes": []})
        previous = record
    return lines[::-1]


@login_required
@require_safe
def commitment_detail(request, pk: int):
    """A commitment: its terms, its state and what comes next, its history and its
    disbursements; the private details (evidence, withdrawal reason, field history) only for
    the owning organisation and the programme's managers."""
    user = request.user
    commitment = _visible_commitment(request, pk, scope=commitments_visible_to)
    programme_id = commitment_programme_id(commitment)
    sees_details = commitment_access(user).sees_details_of(commitment, programme_id)
    disbursements = (
        disbursements_visible_to(user)
        .filter(commitment=commitment)
        .select_related("declared_by", "reviewed_by")
        .order_by("disbursed_on", "pk")
    )
    history = [
        {
            "change": change,
            "from_label": status_label(C, change.from_status),
            "to_label": status_label(C, change.to_status),
        }
        for change in status_history(commitment).order_by("-created_at", "-pk")
    ]
    return render(
        request,
        "funding/commitment_detail.html",
        {
            "commitment": commitment,
            "next_step": NEXT_STEP[commitment.status],
            "sees_details": sees_details,
            "disbursements": disbursements,
            "declared": sum((d.amount for d in disbursements if d.status == D.DECLARED), start=0),
            "room": _room(commitment) if commitment.status in DECLARABLE else None,
            "history": history,
            "field_history": _field_history(commitment) if sees_details else [],
            "actions": _actions(user, commitment) if sees_details else [],
            "crumbs": _crumbs((str(commitment), "")),
        },
    )


# -- confirm, withdraw ----------------------------------------------------------------------


def _step_page(request, commitment, form, *, template, title, save, done):
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, done)
            return redirect(_detail_url(commitment))
    return render(
        request,
        template,
        {
            "commitment": commitment,
            "form": form,
            "title": title,
            "next_step": NEXT_STEP[commitment.status],
            "crumbs": _commitment_crumbs(commitment, title),
            "cancel_url": _detail_url(commitment),
        },
    )


@login_required
@form_methods
def commitment_confirm(request, pk: int):
    """Turn the pledge into a firm commitment, with the reference of the partner's budget act."""
    commitment = _visible_commitment(request, pk)
    require(can_move_commitment(request.user, commitment))
    return _step_page(
        request,
        commitment,
        ConfirmForm(request.POST or None),
        template="funding/commitment_confirm.html",
        title=_("Confirm the commitment"),
        save=lambda data: services.commitment_confirm(
            commitment=commitment, actor=request.user, **data
        ),
        done=_("The commitment is confirmed."),
    )


@login_required
@form_methods
def commitment_withdraw(request, pk: int):
    """Withdraw a commitment that has received no money, saying why."""
    commitment = _visible_commitment(request, pk)
    require(can_move_commitment(request.user, commitment))
    return _step_page(
        request,
        commitment,
        WithdrawForm(request.POST or None),
        template="funding/commitment_withdraw.html",
        title=_("Withdraw the commitment"),
        save=lambda data: services.commitment_withdraw(
            commitment=commitment, actor=request.user, reason=data["withdrawal_reason"]
        ),
        done=_("The commitment has been withdrawn."),
    )


# -- disbursements -------------------------------------------------------------------------

# A refused file names no field: its message goes on the evidence field.
UPLOAD_CODES = dict.fromkeys(
    ("file_too_large", "file_empty", "file_type", "image_too_large", "image_invalid"), "evidence"
)


@login_required
@form_methods
def disbursement_declare(request, pk: int):
    """The partner declares money paid or spent on its confirmed commitment, with evidence;
    it counts once the finance office verifies it."""
    commitment = _visible_commitment(request, pk)
    require(can_declare_disbursement(request.user, commitment))
    form = DisbursementForm(request.POST or None, request.FILES or None)
    refusal = ""
    if commitment.status not in DECLARABLE:
        refusal = _(
            "Money can be declared only on a confirmed commitment that is not yet fulfilled."
        )
    elif request.method == "POST" and form.is_valid():
        try:
            services.disbursement_declare(
                commitment=commitment, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_error(error, UPLOAD_CODES)
        else:
            messages.success(
                request,
                _("The disbursement is declared: it counts once the finance office verifies it."),
            )
            return redirect(_detail_url(commitment))
    title = _("Declare a disbursement")
    return render(
        request,
        "funding/disbursement_declare.html",
        {
            "commitment": commitment,
            "form": form,
            "title": title,
            "room": _room(commitment),
            "refusal": refusal,
            "crumbs": _commitment_crumbs(commitment, title),
            "cancel_url": _detail_url(commitment),
        },
    )


@login_required
@require_safe
def disbursement_evidence(request, pk: int):
    """Download a disbursement's evidence: the owning organisation's representatives and the
    programme's managers only.

    A GET that writes: each download of private evidence is audited, on purpose.
    """
    disbursement = get_object_or_404(
        Disbursement.objects.select_related(
            "commitment__project", "commitment__plan_action__phase__plan"
        ),
        pk=pk,
    )
    commitment = disbursement.commitment
    access = commitment_access(request.user)
    if not disbursement.evidence or not access.sees_details_of(
        commitment, commitment_programme_id(commitment)
    ):
        # 404, not 403: who may not read it need not know it exists.
        raise Http404
    audit_record(actor=request.user, verb="disbursement.evidence_downloaded", target=disbursement)
    extension = disbursement.evidence.name.rsplit(".", 1)[-1]
    return private_file_response(
        disbursement.evidence, download_name=f"erogazione-{disbursement.pk}.{extension}"
    )
