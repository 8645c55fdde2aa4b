"""The accounting ledger (FEC lines) and how its lines reach projects and agreements."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TenantModel, created_by_field, workspace_field

from .accounts import CostCategory, account_number_validator


class LedgerLine(TenantModel):
    """One line of a "fichier des écritures comptables" (FEC, article A47 A-1 of the LPF).

    The 18 legal columns are kept as read. `fingerprint` (a hash of the line and its rank among
    identical lines of its entry) makes a re-import add nothing; `category` is the CERFA line
    its account falls in, kept up to date when the account mapping changes.
    """

    # A ledger may hold millions of lines and every index slows the FEC import (each one
    # costs about a tenth of a line's insert on SQLite), so it keeps two: (workspace,
    # fingerprint), which a re-import looks lines up by, and (workspace, entry_date), the
    # ledger page's order and year filter. Every query names its workspace, so the
    # single-column indexes of TenantModel's foreign keys are left out (deleting a user, which
    # empties `created_by`, reads the table once); filters on the account or the category
    # read the workspace's lines in date order (≈0.3 s for a million lines on SQLite, measured
    # 2026-11-30, against ≈0.1 s with an index each).
    workspace = workspace_field(db_index=False)
    created_by = created_by_field(db_index=False)
    journal_code = models.CharField(_("journal code"), max_length=20)
    journal_label = models.CharField(_("journal"), max_length=200, blank=True)
    entry_number = models.CharField(_("entry number"), max_length=40)
    entry_date = models.DateField(_("entry date"))
    account_number = models.CharField(_("account number"), max_length=40)
    account_label = models.CharField(_("account label"), max_length=200, blank=True)
    aux_account_number = models.CharField(_("auxiliary account"), max_length=40, blank=True)
    aux_account_label = models.CharField(_("auxiliary account label"), max_length=200, blank=True)
    piece_ref = models.CharField(_("supporting document"), max_length=60, blank=True)
    piece_date = models.DateField(_("document date"), null=True, blank=True)
    label = models.CharField(_("label"), max_length=300, blank=True)
    debit = models.DecimalField(_("debit"), max_digits=14, decimal_places=2, default=Decimal("0"))
    credit = models.DecimalField(_("credit"), max_digits=14, decimal_places=2, default=Decimal("0"))
    lettering = models.CharField(_("lettering"), max_length=20, blank=True)
    lettering_date = models.DateField(_("lettering date"), null=True, blank=True)
    validation_date = models.DateField(_("validation date"), null=True, blank=True)
    currency_amount = models.DecimalField(
        _("amount in currency"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    fingerprint = models.CharField(max_length=40, editable=False)
    category = models.CharField(
        _("category"), max_length=2, choices=CostCategory.choices, blank=True
    )
    source_name = models.CharField(_("file"), max_length=255, blank=True)

    class Meta:
        ordering = ["entry_date", "journal_code", "entry_number", "id"]
        verbose_name = _("ledger line")
        verbose_name_plural = _("ledger lines")
        indexes = [models.Index(fields=["workspace", "entry_date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "fingerprint"], name="ledger_line_unique_fingerprint"
            )
        ]

    def __str__(self) -> str:
        return f"{self.journal_code} {self.entry_number} {self.account_number} {self.label}"

    @property
    def amount(self) -> Decimal:
        """The line's amount on its side: a charge's debit − credit, a product's credit − debit."""
        if self.account_number.startswith(("7", "87")):
            return self.credit - self.debit
        return self.debit - self.credit


class AssignmentRule(TenantModel):
    """Assigns the ledger lines that match its criteria to a project (and an agreement).

    A line matches when every criterion given matches: its account starts with
    `account_prefix`, its journal is `journal_code`, its label or auxiliary label contains
    `label_contains` (an analytic code, e.g. "JARDINS"). Rules are tried by position; the first
    match wins. Lines assigned by hand are never touched by the rules.
    """

    position = models.PositiveIntegerField(_("position"), default=0)
    project = models.ForeignKey(
        "finance.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    agreement = models.ForeignKey(
        "finance.FundingAgreement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreement"),
    )
    account_prefix = models.CharField(
        _("account starts with"), max_length=20, blank=True, validators=[account_number_validator]
    )
    journal_code = models.CharField(_("journal code"), max_length=20, blank=True)
    label_contains = models.CharField(_("label contains"), max_length=100, blank=True)
    share = models.DecimalField(
        _("share of the line (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")

    def __str__(self) -> str:
        return f"#{self.position} → {self.project.code}"

    def clean(self) -> None:
        super().clean()
        if not (self.account_prefix or self.journal_code or self.label_contains):
            raise ValidationError(
                _("Give at least one criterion: an account prefix, a journal or a label.")
            )


class LedgerAllocation(TenantModel):
    """A share of a ledger line charged to a project, and to an agreement or by the project's keys.

    A line may be split across projects; its shares adding up to more than 100 % means it is
    charged more than once, which the checks report.
    """

    # The FEC import writes one allocation for each line a rule matches: the indexes that
    # `(project, agreement)` and the ledger's own make redundant are left out.
    created_by = created_by_field(db_index=False)
    line = models.ForeignKey(
        LedgerLine, on_delete=models.CASCADE, related_name="allocations", verbose_name=_("line")
    )
    project = models.ForeignKey(
        "finance.Project",
        on_delete=models.RESTRICT,
        related_name="ledger_allocations",
        verbose_name=_("project"),
        db_index=False,
    )
    agreement = models.ForeignKey(
        "finance.FundingAgreement",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="ledger_allocations",
        verbose_name=_("agreement"),
    )
    share = models.DecimalField(
        _("share of the line (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    rule = models.ForeignKey(
        AssignmentRule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="allocations",
        verbose_name=_("assigned by rule"),
    )

    class Meta:
        ordering = ["line", "id"]
        verbose_name = _("ledger allocation")
        verbose_name_plural = _("ledger allocations")
        indexes = [models.Index(fields=["project", "agreement"])]

    def __str__(self) -> str:
        return f"{self.line_id} → {self.project_id} ({self.share} %)"

    def clean(self) -> None:
        super().clean()
        agreement = self.agreement if self.agreement_id else None
        funds_project = agreement is None or not self.project_id
        if not funds_project and not agreement.projects.filter(pk=self.project_id).exists():
            raise ValidationError({"agreement": _("This agreement does not fund this project.")})
