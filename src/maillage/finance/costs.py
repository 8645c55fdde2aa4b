"""What an hour costs: an employee's from their contract, a volunteer's from their valuation rate.

hourly cost = (gross annual salary + annual employer charges) / productive hours, where the
productive hours are the contract's own figure or, by default, the workspace's full-time figure
(1,607 h) in proportion to the contract's weekly hours (17.5 h a week → 803.50 h a year).

The rate is rounded to the cent (half up): the one rounding of a rate, the figure a timesheet
and a funder see. Hours × rate is then exact (four decimal places), so every total — the
person's page, the engine, a report line — is the sum of its entries, rounded once where shown.
"""

from decimal import Decimal

from maillage.core.money import round_euro

from .models import Contract, FinanceSettings


def get_settings(workspace) -> FinanceSettings:
    """The workspace's finance settings, or the defaults (unsaved) when none were recorded."""
    found = FinanceSettings.objects.filter(workspace=workspace).first()
    return found or FinanceSettings(workspace=workspace)


def productive_hours(contract: Contract, settings: FinanceSettings) -> Decimal:
    if contract.productive_hours:
        return contract.productive_hours
    return (
        settings.productive_hours_per_year * contract.weekly_hours / settings.full_time_weekly_hours
    )


def hourly_cost(contract: Contract, settings: FinanceSettings) -> Decimal:
    """(gross + charges) / productive hours, rounded half up to the cent."""
    return round_euro(
        (contract.gross_annual_salary + contract.annual_employer_charges)
        / productive_hours(contract, settings)
    )


def contract_on(contracts: list[Contract], day) -> Contract | None:
    """The contract of a person's (sorted by start date) that covers `day`, if any."""
    for contract in contracts:
        if contract.covers(day):
            return contract
    return None
