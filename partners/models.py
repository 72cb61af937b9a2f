from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from stdnum.it import codicefiscale, iva

from core.models import TimeStampedModel
from core.uploads import private_storage
from core.validators import validate_codice_fiscale, validate_partita_iva


class Organisation(TimeStampedModel):
    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        PUBLIC_BODY = "public_body", _("Public body")
        UTILITY = "utility", _("Utility")
        TELECOM = "telecom", _("Telecom operator")
        UNIVERSITY = "university", _("University or research centre")
        COMPANY = "company", _("Company")
        ASSOCIATION = "association", _("Association")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    tax_code = models.CharField(
        _("codice fiscale"),
        max_length=16,
        blank=True,
        validators=[validate_codice_fiscale],
        help_text=_("11 digits for an organisation."),
    )
    vat_number = models.CharField(
        _("partita IVA"), max_length=11, blank=True, validators=[validate_partita_iva]
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    pec = models.EmailField(_("PEC address"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Its representatives belong to this group while their membership lasts; partner rights
    # are granted to the group, so ending a membership removes them all at once.
    group = models.OneToOneField(
        Group, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=~Q(tax_code=""),
                name="organisation_tax_code_unique",
                violation_error_message=_(
                    "An organisation with this codice fiscale already exists."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def clean(self):
        # Stored as the codes are printed on official documents: no spaces, capitals.
        self.tax_code = codicefiscale.compact(self.tax_code) if self.tax_code else ""
        self.vat_number = iva.compact(self.vat_number) if self.vat_number else ""

    @property
    def is_municipality(self) -> bool:
        return self.kind == self.Kind.MUNICIPALITY


class Membership(TimeStampedModel):
    class Role(models.TextChoices):
        REPRESENTATIVE = "representative", _("Representative")
        STAFF = "staff", _("Staff member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_one_per_user_and_organisation"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="membership_ends_after_start",
                violation_error_message=_("A membership cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class Agreement(TimeStampedModel):
    """A Protocollo d'Intesa, convenzione or accordo di programma among organisations."""

    class Kind(models.TextChoices):
        MEMORANDUM = "memorandum", _("Protocollo d'Intesa")
        CONVENTION = "convention", _("Convenzione")
        PROGRAMME_AGREEMENT = "programme_agreement", _("Accordo di programma")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    signed_on = models.DateField(_("signed on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    scope = models.TextField(_("scope"), blank=True)
    document = models.FileField(
        _("document"), storage=private_storage, upload_to="agreements/", blank=True
    )
    organisations = models.ManyToManyField(
        Organisation, through="Signatory", related_name="agreements", verbose_name=_("signatories")
    )

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="agreement_valid_until_after_valid_from",
                violation_error_message=_("An agreement cannot expire before it comes into force."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Signatory(models.Model):
    class Role(models.TextChoices):
        PROMOTER = "promoter", _("Promoter")
        SIGNATORY = "signatory", _("Signatory")
        ACCEDING = "acceding", _("Joined later")

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="signatories"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="signatures",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SIGNATORY)
    signed_by = models.CharField(_("signed by"), max_length=150, blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["agreement", "role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organisation"], name="signatory_once_per_agreement"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.agreement}"


class Obligation(TimeStampedModel):
    """What one signatory must do under an agreement, and by when."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="obligations"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("obliged organisation"),
        on_delete=models.PROTECT,
        related_name="obligations",
    )
    description = models.TextField(_("what must be done"))
    due_on = models.DateField(_("due on"))
    fulfilled_on = models.DateField(_("fulfilled on"), null=True, blank=True)

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.description[:60]}"

    def clean(self):
        if (
            self.agreement_id
            and self.organisation_id
            and not self.agreement.signatories.filter(organisation_id=self.organisation_id).exists()
        ):
            raise ValidationError(
                {
                    "organisation": ValidationError(
                        _("Only a signatory of the agreement can have obligations under it."),
                        code="not_signatory",
                    )
                }
            )

    @property
    def is_fulfilled(self) -> bool:
        return self.fulfilled_on is not None


class DataSharingCommitment(TimeStampedModel):
    """The Situation Room's feed register: which partner shares which dataset, how, since when."""

    class Dataset(models.TextChoices):
        TERRITORY = "territory", _("State of the territory")
        PARKING = "parking", _("Parking")
        MOBILITY = "mobility", _("Mobility")
        PUBLIC_TRANSPORT = "public_transport", _("Public transport")
        ENERGY = "energy", _("Energy")
        ENVIRONMENT = "environment", _("Environment")
        OTHER = "other", _("Other")

    class Frequency(models.TextChoices):
        REAL_TIME = "real_time", _("Real time")
        HOURLY = "hourly", _("Hourly")
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")
        YEARLY = "yearly", _("Yearly")

    class Licence(models.TextChoices):
        CC_BY_4 = "CC-BY-4.0", "CC BY 4.0"
        CC0 = "CC0-1.0", "CC0 1.0"
        IODL_2 = "IODL-2.0", "IODL 2.0"
        RESTRICTED = "restricted", _("Restricted to the signatories")

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="data_sharing_commitments",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="data_sharing_commitments",
    )
    dataset = models.CharField(_("dataset"), max_length=30, choices=Dataset.choices)
    description = models.TextField(_("description"), blank=True)
    frequency = models.CharField(_("frequency"), max_length=20, choices=Frequency.choices)
    licence = models.CharField(_("licence"), max_length=20, choices=Licence.choices)
    since = models.DateField(_("shared since"))
    until = models.DateField(_("shared until"), null=True, blank=True)
    endpoint = models.URLField(_("endpoint"), blank=True)

    class Meta:
        verbose_name = _("data-sharing commitment")
        verbose_name_plural = _("data-sharing commitments")
        ordering = ["organisation__name", "dataset"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")),
                name="data_sharing_until_after_since",
                violation_error_message=_(
                    "Data cannot stop being shared before it starts being shared."
                ),
            ),
            models.UniqueConstraint(
                fields=["agreement", "organisation", "dataset"],
                name="data_sharing_once_per_dataset",
            ),
            models.UniqueConstraint(
                fields=["organisation", "dataset"],
                condition=Q(agreement__isnull=True),
                name="data_sharing_once_per_dataset_outside_agreements",
                violation_error_message=_(
                    "This organisation already shares this dataset outside any agreement."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_dataset_display()}"
