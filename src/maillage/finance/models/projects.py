"""Projects ("fiches projet") and their multi-year budgets."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from maillage.core.models import TenantModel

from .accounts import CostCategory


class Project(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("In preparation")
        ACTIVE = "active", _("Running")
        CLOSED = "closed", pgettext_lazy("project status", "Closed")
        CANCELLED = "cancelled", _("Cancelled")

    code = models.CharField(
        _("code"),
        max_length=30,
        help_text=_("A short code used in imports and analytic labels, e.g. JARDINS."),
    )
    name = models.CharField(_("name"), max_length=200)
    objectives = models.TextField(_("objectives"), blank=True)
    activities = models.TextField(_("activities"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project manager"),
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("partnership"),
        help_text=_("The partnership or alliance this project belongs to, if any."),
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "code"],
                name="project_unique_code",
                violation_error_message=_("Another project already has this code."),
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="project_dates_in_order",
                violation_error_message=_("The end date must not be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    @property
    def years(self) -> list[int]:
        return list(range(self.start_date.year, self.end_date.year + 1))


class BudgetLine(TenantModel):
    """A planned amount for one year of a project, on one CERFA line (charge or product).

    Products of line 74 (subsidies) and 70 name their funder, so that the funder report can show
    each funder's planned share.
    """

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("project")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    category = models.CharField(_("account class"), max_length=2, choices=CostCategory.choices)
    label = models.CharField(_("label"), max_length=200, blank=True)
    amount = models.DecimalField(
        _("planned amount (€)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    funder = models.ForeignKey(
        "finance.Funder",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="budget_lines",
        verbose_name=_("funder"),
        help_text=_("For a product line: who brings it."),
    )

    class Meta:
        ordering = ["project", "year", "category", "label", "id"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        indexes = [models.Index(fields=["project", "year"])]

    def __str__(self) -> str:
        return f"{self.year} {self.category} {self.label}".strip()

    def clean(self) -> None:
        super().clean()
        project = getattr(self, "project", None)
        dated = project is not None and self.year and project.start_date and project.end_date
        if dated and not project.start_date.year <= self.year <= project.end_date.year:
            raise ValidationError(
                {
                    "year": _("The project runs from %(start)s to %(end)s.")
                    % {"start": project.start_date.year, "end": project.end_date.year}
                }
            )
