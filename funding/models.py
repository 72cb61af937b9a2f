from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel, YearField
from core.money import ZERO, MoneyField, euro, money_sum
from core.uploads import private_storage
from core.validators import CIG_PATTERN, CUP_PATTERN, validate_cig, validate_cup
from partners.models import Organisation
from programme.models import AuthorisingAct, PlanAction, Programme, Project


def check_amount_positive(amount) -> None:
    """An amount of money recorded by a service is positive (reversals have their own path)."""
    if amount is None or amount <= 0:
        raise ValidationError(
            {"amount": ValidationError(_("The amount must be positive."), code="amount")}
        )


class FundSource(TimeStampedModel):
    class Kind(models.TextChoices):
        MINISTRY_CALL = "ministry_call", _("Ministry call (e.g. MIUR)")
        PRIVATE_INVESTMENT = "private_investment", _("Private investment (e.g. TLC operators)")
        MUNICIPAL_BUDGET = "municipal_budget", _("Municipal budget")
        EU_FUND = "eu_fund", _("EU fund")
        REGIONAL = "regional", _("Regional fund")
        PARTNER_COFINANCING = "partner_cofinancing", _("Partner co-financing")

    # Money that never enters the municipal budget: reported beside it, never summed into it.
    OFF_BUDGET_KINDS = (Kind.PRIVATE_INVESTMENT,)

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="fund_sources",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="fund_sources",
    )
    total = MoneyField(_("total (EUR)"))
    legal_reference = models.CharField(_("legal reference"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fund source")
        verbose_name_plural = _("fund sources")
        ordering = ["programme", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__gt=0),
                name="fund_source_total_positive",
                violation_error_message=_("A fund source's total must be more than zero."),
            ),
            models.UniqueConstraint(fields=["programme", "name"], name="fund_source_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self._state.adding or not self.allocations.exists():
            return
        stored = FundSource.objects.only("programme_id").get(pk=self.pk)
        if stored.programme_id != self.programme_id:
            raise ValidationError(
                {
                    "programme": ValidationError(
                        _("A fund source with allocations stays in its programme."),
                        code="programme_locked",
                    )
                }
            )
        allocated = self.allocations.aggregate(total=money_sum("amount"))["total"]
        if self.total is not None and self.total < allocated:
            raise ValidationError(
                {
                    "total": ValidationError(
                        _("%(allocated)s is already allocated from this source.")
                        % {"allocated": euro(allocated)},
                        code="below_allocated",
                    )
                }
            )

    @property
    def is_off_budget(self) -> bool:
        return self.kind in self.OFF_BUDGET_KINDS


class Allocation(TimeStampedModel):
    """Money from one source to one project in one financial year."""

    fund_source = models.ForeignKey(
        FundSource,
        verbose_name=_("fund source"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="allocations"
    )
    year = YearField(_("financial year"))
    amount = MoneyField()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["project", "year", "fund_source"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="allocation_amount_positive",
                violation_error_message=_("An allocation must be more than zero."),
            ),
            models.UniqueConstraint(
                fields=["fund_source", "project", "year"], name="allocation_once_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund_source} → {self.project} ({self.year})"


class Commitment(TimeStampedModel):
    """A partner's co-financing of a project or plan action in one year."""

    class Kind(models.TextChoices):
        CASH_TRANSFER = "cash_transfer", _("Cash transfer to the municipality")
        DIRECT_SPENDING = "direct_spending", _("Partner's own direct spending")
        IN_KIND = "in_kind", _("In kind, at a stated value")

    class Status(models.TextChoices):
        PLEDGED = "pledged", _("Pledged")
        CONFIRMED = "confirmed", _("Confirmed")
        PARTLY_DISBURSED = "partly_disbursed", _("Partly disbursed")
        FULFILLED = "fulfilled", _("Fulfilled")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    FIRM_STATUSES = (Status.CONFIRMED, Status.PARTLY_DISBURSED, Status.FULFILLED)

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    plan_action = models.ForeignKey(
        PlanAction,
        verbose_name=_("plan action"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    year = YearField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = MoneyField()
    disbursed_amount = MoneyField(_("verified disbursements (EUR)"), default=ZERO, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLEDGED, editable=False
    )
    subject_to_budget_availability = models.BooleanField(
        _("subject to the partner's budget availability"),
        default=True,
        help_text=_("“Compatibilmente con le proprie disponibilità di bilancio”."),
    )
    description = models.TextField(_("what it pays for"), blank=True)
    act_reference = models.CharField(
        _("partner's budget act"),
        max_length=200,
        blank=True,
        help_text=_("The partner's own act that backs the confirmed commitment."),
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    external_reference = models.CharField(_("partner's reference"), max_length=60, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["-year", "organisation__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="commitment_amount_positive",
                violation_error_message=_("A commitment must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(disbursed_amount__gte=0) & Q(disbursed_amount__lte=F("amount")),
                name="commitment_disbursed_within_amount",
                violation_error_message=_("Verified disbursements cannot exceed the commitment."),
            ),
            models.CheckConstraint(
                condition=Q(project__isnull=False, plan_action__isnull=True)
                | Q(project__isnull=True, plan_action__isnull=False),
                name="commitment_for_project_or_plan_action",
                violation_error_message=_("A commitment is for either a project or a plan action."),
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdrawal_reason=""),
                name="commitment_withdrawal_has_reason",
                violation_error_message=_(
                    "A withdrawn commitment needs the reason for its withdrawal."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["confirmed", "partly_disbursed", "fulfilled"])
                | ~Q(act_reference=""),
                name="commitment_firm_has_act",
                violation_error_message=_(
                    "A confirmed commitment needs the reference of the partner's budget act."
                ),
            ),
            models.UniqueConstraint(
                fields=["organisation", "external_reference"],
                condition=~Q(external_reference=""),
                name="commitment_external_reference_unique",
                violation_error_message=_(
                    "This partner already has a commitment with this reference."
                ),
            ),
        ]

    def __str__(self) -> str:
        target = self.project or self.plan_action
        return f"{self.organisation} → {target} ({self.year})"

    @property
    def remaining(self):
        return self.amount - self.disbursed_amount

    def check_takes_money(self) -> None:
        """Money is declared only on a firm commitment that is not yet fulfilled."""
        if self.status not in (self.Status.CONFIRMED, self.Status.PARTLY_DISBURSED):
            raise ValidationError(
                _(
                    "Money can be declared only on a confirmed commitment that is not yet "
                    "fulfilled."
                ),
                code="not_confirmed",
            )

    def declared_or_verified(self):
        """Money declared or verified on this commitment so far (rejected money is not)."""
        return self.disbursements.exclude(status=Disbursement.Status.REJECTED).aggregate(
            total=money_sum("amount")
        )["total"]

    def check_room(self, amount, *, already) -> None:
        """Money ``already`` declared or verified, plus ``amount``, stays within the commitment.

        The caller holds a lock on the commitment, so that nobody declares at the same time.
        """
        room = self.amount - already
        if amount > room:
            raise ValidationError(
                {
                    "amount": ValidationError(
                        _("Only %(room)s of this commitment is left to disburse.")
                        % {"room": euro(room)},
                        code="over_disbursed",
                    )
                }
            )


class Disbursement(TimeStampedModel):
    """Money a partner declares it has paid or spent on a commitment.

    It counts towards the commitment only once the municipality's finance office verifies it.
    """

    class Status(models.TextChoices):
        DECLARED = "declared", _("Declared")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    amount = MoneyField()
    disbursed_on = models.DateField(_("disbursed on"))
    note = models.TextField(_("note"), blank=True)
    evidence = models.FileField(
        _("evidence"), storage=private_storage, upload_to="evidence/", blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DECLARED, editable=False
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    # The commitment's organisation, kept here so that the partner's reference is unique per
    # partner in the database (a re-imported file finds its rows instead of doubling them).
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="disbursements",
        editable=False,
    )
    external_reference = models.CharField(_("partner's reference"), max_length=60, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["commitment", "disbursed_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="disbursement_amount_positive",
                violation_error_message=_("A disbursement must be more than zero."),
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="disbursement_rejection_has_reason",
                violation_error_message=_(
                    "A rejected disbursement needs the reason for its rejection."
                ),
            ),
            models.UniqueConstraint(
                fields=["organisation", "external_reference"],
                condition=~Q(external_reference=""),
                name="disbursement_external_reference_unique",
                violation_error_message=_(
                    "This partner already has a disbursement with this reference."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment} — {euro(self.amount)} ({self.get_status_display()})"

    @staticmethod
    def check_date(disbursed_on) -> None:
        if disbursed_on > timezone.localdate():
            raise ValidationError(
                {
                    "disbursed_on": ValidationError(
                        _("A disbursement cannot be dated in the future."), code="future"
                    )
                }
            )

    def save(self, *args, **kwargs):
        if self.organisation_id is None and self.commitment_id is not None:
            self.organisation_id = self.commitment.organisation_id
        super().save(*args, **kwargs)


class Contract(TimeStampedModel):
    """An affidamento: the contract with a supplier, identified by its CIG."""

    class Procedure(models.TextChoices):
        DIRECT = "direct", _("Affidamento diretto")
        NEGOTIATED = "negotiated", _("Procedura negoziata")
        OPEN = "open", _("Procedura aperta")
        RESTRICTED = "restricted", _("Procedura ristretta")
        FRAMEWORK = "framework", _("Adesione a convenzione/accordo quadro")
        MEPA = "mepa", _("Mercato elettronico (MePA)")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="contracts"
    )
    supplier = models.ForeignKey(
        Organisation,
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    cig = models.CharField(_("CIG"), max_length=10, unique=True, validators=[validate_cig])
    subject = models.CharField(_("subject"), max_length=255)
    amount = MoneyField()
    procedure = models.CharField(_("procedure"), max_length=20, choices=Procedure.choices)
    awarded_on = models.DateField(_("awarded on"))
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["project", "awarded_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="contract_amount_positive",
                violation_error_message=_("A contract's amount must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(cig__regex=CIG_PATTERN),
                name="contract_cig_format",
                violation_error_message=_("A CIG has 10 characters, digits and capital letters."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="contract_ends_after_start",
                violation_error_message=_("A contract cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cig} — {self.subject}"

    def clean(self):
        if self._state.adding or not self.transactions.exists():
            return
        stored = Contract.objects.only("cig", "project_id", "supplier_id").get(pk=self.pk)
        if (stored.cig, stored.project_id, stored.supplier_id) != (
            self.cig,
            self.project_id,
            self.supplier_id,
        ):
            raise ValidationError(
                _("Entries are recorded on this contract: its CIG, project and supplier stay."),
                code="contract_locked",
            )
        committed = self.transactions.filter(phase=Transaction.Phase.IMPEGNO).aggregate(
            total=money_sum("amount")
        )["total"]
        if self.amount is not None and self.amount < committed:
            raise ValidationError(
                {
                    "amount": ValidationError(
                        _("%(committed)s is already committed (impegno) on this contract.")
                        % {"committed": euro(committed)},
                        code="below_committed",
                    )
                }
            )


class TransactionQuerySet(models.QuerySet):
    """Transactions are append-only: bulk updates and deletes are refused too."""

    def update(self, **kwargs):
        raise TypeError("Transactions are append-only: record a reversal instead.")

    def delete(self):
        raise TypeError("Transactions are append-only: record a reversal instead.")


class Transaction(models.Model):
    """One step of Italian municipal accounting, append-only.

    Spending goes impegno → liquidazione → pagamento; income goes accertamento → riscossione.
    A wrong entry is never edited or deleted: a reversal entry with the opposite amount and a
    reason cancels it.
    """

    class Phase(models.TextChoices):
        IMPEGNO = "impegno", _("Impegno (commitment of spending)")
        LIQUIDAZIONE = "liquidazione", _("Liquidazione (settlement)")
        PAGAMENTO = "pagamento", _("Pagamento (payment)")
        ACCERTAMENTO = "accertamento", _("Accertamento (income assessed)")
        RISCOSSIONE = "riscossione", _("Riscossione (income collected)")

    SPENDING_PHASES = (Phase.IMPEGNO, Phase.LIQUIDAZIONE, Phase.PAGAMENTO)
    INCOME_PHASES = (Phase.ACCERTAMENTO, Phase.RISCOSSIONE)
    # The phase each phase follows from.
    PARENT_PHASE = {
        Phase.LIQUIDAZIONE: Phase.IMPEGNO,
        Phase.PAGAMENTO: Phase.LIQUIDAZIONE,
        Phase.RISCOSSIONE: Phase.ACCERTAMENTO,
    }

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="transactions"
    )
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    amount = MoneyField(help_text=_("Negative only in a reversal entry."))
    financial_year = YearField(_("financial year (esercizio)"))
    recorded_on = models.DateField(_("date"))
    peg_chapter = models.CharField(_("PEG chapter"), max_length=30, blank=True)
    act_kind = models.CharField(_("authorising act"), max_length=30, choices=AuthorisingAct.choices)
    act_number = models.CharField(_("act number"), max_length=40)
    act_date = models.DateField(_("act date"))
    cup = models.CharField(_("CUP"), max_length=15, blank=True, validators=[validate_cup])
    cig = models.CharField(_("CIG"), max_length=10, blank=True, validators=[validate_cig])
    parent = models.ForeignKey(
        "self",
        verbose_name=_("follows from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    fund_source = models.ForeignKey(
        FundSource,
        verbose_name=_("fund source"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transactions",
    )
    contract = models.ForeignKey(
        Contract,
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transactions",
    )
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("partner commitment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transactions",
    )
    description = models.CharField(_("description"), max_length=255, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    reason = models.TextField(_("reason for the reversal"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = TransactionQuerySet.as_manager()

    class Meta:
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        ordering = ["project", "financial_year", "recorded_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, amount__gt=0, reason="")
                | (Q(reverses__isnull=False, amount__lt=0) & ~Q(reason="")),
                name="transaction_positive_or_reasoned_reversal",
                violation_error_message=_(
                    "An entry is positive; only a reversal, with its reason, is negative."
                ),
            ),
            models.CheckConstraint(
                condition=Q(cup="") | Q(cup__regex=CUP_PATTERN),
                name="transaction_cup_format",
                violation_error_message=_(
                    "A CUP has 15 characters: a letter, two digits, a letter and eleven digits."
                ),
            ),
            models.CheckConstraint(
                condition=Q(cig="") | Q(cig__regex=CIG_PATTERN),
                name="transaction_cig_format",
                violation_error_message=_("A CIG has 10 characters, digits and capital letters."),
            ),
            models.CheckConstraint(
                condition=Q(financial_year__gte=2000, financial_year__lte=2100),
                name="transaction_financial_year_plausible",
                violation_error_message=_("The financial year must be between 2000 and 2100."),
            ),
        ]
        indexes = [models.Index(fields=["project", "financial_year", "phase"])]

    def __str__(self) -> str:
        return f"{self.get_phase_display()} {euro(self.amount)} ({self.financial_year})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Transactions are append-only: record a reversal instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Transactions are append-only: record a reversal instead.")

    @property
    def is_spending(self) -> bool:
        return self.phase in self.SPENDING_PHASES


# The rights a pledge gives the partner's group on its commitment (they end with membership).
COMMITMENT_PARTNER_PERMISSIONS = ("funding.view_commitment", "funding.change_commitment")


class CommitmentUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Commitment, on_delete=models.CASCADE)


class CommitmentGroupObjectPermission(GroupObjectPermissionBase):
    """Object permissions on a commitment for its organisation's group, by direct FK."""

    content_object = models.ForeignKey(Commitment, on_delete=models.CASCADE)


class ImportBatch(TimeStampedModel):
    """A file of commitments or disbursements, staged for its uploader to preview and confirm.

    It belongs to its uploader alone and expires: the file is kept in the private storage
    until it is applied or purged. Its errors are text in the uploader's language at staging
    time (``language``), each ``{"row": n, "column": "<header as in the file>", "message"}``.
    """

    class Kind(models.TextChoices):
        COMMITMENTS = "commitments", _("Commitments")
        DISBURSEMENTS = "disbursements", _("Disbursements")

    class Status(models.TextChoices):
        STAGED = "staged", _("Uploaded")
        VALIDATING = "validating", _("Being checked")
        READY = "ready", _("Ready to confirm")
        INVALID = "invalid", _("With errors")
        APPLYING = "applying", _("Being imported")
        APPLIED = "applied", _("Imported")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    IN_PROGRESS = (Status.STAGED, Status.VALIDATING, Status.APPLYING)

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.STAGED
    )
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="import_batches",
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to="imports/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    language = models.CharField(_("language"), max_length=10, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_validated = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_new = models.PositiveIntegerField(_("new rows"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unchanged rows"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    objects_created = models.PositiveIntegerField(_("records created"), default=0)
    failure = models.TextField(_("reason of the failure"), blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    applied_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["uploader", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.original_name}"

    @property
    def in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS
