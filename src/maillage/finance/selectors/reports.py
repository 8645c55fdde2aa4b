"""Reads of the funder report: the versions of a report's explanations (for their forms) and the
compact summary the agreement's page shows (from the same report model, so the figures agree)."""

from dataclasses import dataclass
from decimal import Decimal

from ..models import FundingAgreement, VarianceExplanation
from ..reports.cerfa import Report, build_report


def explanation_versions(agreement: FundingAgreement) -> dict[str, int]:
    """The version of each stored explanation of the agreement's report, by line (one query)."""
    return dict(
        VarianceExplanation.objects.filter(
            workspace=agreement.workspace, agreement=agreement
        ).values_list("line", "version")
    )


@dataclass
class AgreementSummary:
    granted: Decimal
    received: Decimal
    eligible: Decimal
    charged: Decimal
    claimable: Decimal
    findings: int
    missing_explanations: int

    @property
    def claimable_percent(self) -> int:
        """The claimable amount as a share of the grant (for a bar), 0–100."""
        if not self.granted:
            return 0
        return max(0, min(100, int(self.claimable * 100 / self.granted)))

    @property
    def received_percent(self) -> int:
        if not self.granted:
            return 0
        return max(0, min(100, int(self.received * 100 / self.granted)))

    @property
    def to_receive(self) -> Decimal:
        """The claimable amount not received yet; negative when the funder paid in advance
        more than the costs justify so far (as on the funder's overview)."""
        return self.claimable - self.received


def summary_of(report: Report) -> AgreementSummary:
    return AgreementSummary(
        granted=report.agreement.amount_granted,
        received=report.received,
        eligible=report.eligible,
        charged=report.charged,
        claimable=report.claimable,
        findings=len(report.findings),
        missing_explanations=len(report.missing_explanations),
    )


def agreement_summary(agreement: FundingAgreement) -> AgreementSummary:
    """Eligible, charged and claimable amounts, what was received, findings and explanations
    still missing: the agreement's report at a glance."""
    return summary_of(build_report(agreement))
