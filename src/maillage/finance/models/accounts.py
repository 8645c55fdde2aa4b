"""Account classes as the lines of the CERFA 15059 financial report, and the workspace's mapping.

The French chart of accounts for associations (ANC 2018-06) puts charges in class 6, products in
class 7 and voluntary contributions in kind in 86 (their use) and 87 (their source). A ledger
account belongs to the category of its longest mapped prefix, else to the one its first two
digits name (6411 → 64), else to none: balance-sheet accounts (classes 1 to 5) never reach a
project.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TenantModel


class CostCategory(models.TextChoices):
    """The CERFA 15059 lines a ledger account or a budget line falls in."""

    PURCHASES = "60", _("60 – Purchases")
    EXTERNAL_SERVICES = "61", _("61 – External services")
    OTHER_EXTERNAL_SERVICES = "62", _("62 – Other external services")
    TAXES = "63", _("63 – Taxes")
    STAFF = "64", _("64 – Staff costs")
    OTHER_OPERATING_CHARGES = "65", _("65 – Other operating charges")
    FINANCIAL_CHARGES = "66", _("66 – Financial charges")
    EXCEPTIONAL_CHARGES = "67", _("67 – Exceptional charges")
    DEPRECIATION = "68", _("68 – Depreciation and provisions")
    CONTRIBUTIONS_IN_KIND_USED = "86", _("86 – Use of voluntary contributions in kind")
    SALES = "70", _("70 – Sales of goods and services")
    ENDOWMENTS = "73", _("73 – Endowments and pricing products")
    SUBSIDIES = "74", _("74 – Operating subsidies")
    OTHER_OPERATING_PRODUCTS = "75", _("75 – Other operating products (dues, gifts, patronage)")
    FINANCIAL_PRODUCTS = "76", _("76 – Financial products")
    EXCEPTIONAL_PRODUCTS = "77", _("77 – Exceptional products")
    PROVISION_REVERSALS = "78", _("78 – Reversals of depreciation and provisions")
    CONTRIBUTIONS_IN_KIND = "87", _("87 – Voluntary contributions in kind")


#: Cash charges (the categories an agreement can make eligible), in CERFA order.
CHARGE_CATEGORIES = ("60", "61", "62", "63", "64", "65", "66", "67", "68")
#: Cash products, in CERFA order.
PRODUCT_CATEGORIES = ("70", "73", "74", "75", "76", "77", "78")
CHARGE_SIDE = frozenset(CHARGE_CATEGORIES) | {"86"}
PRODUCT_SIDE = frozenset(PRODUCT_CATEGORIES) | {"87"}
#: Staff costs: computed from time entries (hours × hourly cost), not from ledger lines.
STAFF_CATEGORY = "64"

account_number_validator = RegexValidator(
    r"^[0-9]{1,20}$", _("Enter the account number's digits only, e.g. 6064 or 64.")
)


def default_category(account_number: str) -> str | None:
    """The category an account falls in without a mapping: its first two digits, if they are one."""
    head = account_number[:2]
    return head if head in CostCategory.values else None


class FinanceSettings(TenantModel):
    """The workspace's finance settings: one row, saved the first time someone changes them."""

    productive_hours_per_year = models.DecimalField(
        _("productive hours a year (full time)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1607.00"),
        validators=[MinValueValidator(Decimal("1"))],
        help_text=_(
            "The hours a full-time employee works in a year: 1,607 in France (legal annual "
            "hours). A part-time contract counts in proportion to its weekly hours."
        ),
    )
    full_time_weekly_hours = models.DecimalField(
        _("full-time weekly hours"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("35.00"),
        validators=[MinValueValidator(Decimal("1"))],
    )
    variance_threshold_percent = models.DecimalField(
        _("variance needing an explanation (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("15.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_(
            "In a funder report, a line whose actual amount differs from the planned one by "
            "more than this share must carry an explanation."
        ),
    )

    class Meta:
        verbose_name = _("finance settings")
        verbose_name_plural = _("finance settings")
        constraints = [
            models.UniqueConstraint(fields=["workspace"], name="finance_settings_one_per_workspace")
        ]

    def __str__(self) -> str:
        return str(_("Finance settings"))


class AccountMapping(TenantModel):
    """Puts the accounts starting with `prefix` in `category` (the longest prefix wins)."""

    prefix = models.CharField(
        _("account prefix"), max_length=20, validators=[account_number_validator]
    )
    category = models.CharField(_("category"), max_length=2, choices=CostCategory.choices)

    class Meta:
        ordering = ["prefix"]
        verbose_name = _("account mapping")
        verbose_name_plural = _("account mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "prefix"],
                name="account_mapping_unique_prefix",
                violation_error_message=_("This prefix is already mapped."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… → {self.get_category_display()}"
