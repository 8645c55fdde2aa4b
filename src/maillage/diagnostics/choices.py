"""The diagnostic module's fixed vocabularies (seed 000, DOMAIN.md §6).

Lists an engagement edits (dimensions, scenarios, criteria) are models created from the
defaults below; these keys are what code, deliverables and tests rely on.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

#: The seven dimensions of seed 000 (key, French name, English name).
DEFAULT_DIMENSIONS = (
    (
        "strategy",
        "Mode de revue et de développement de la stratégie commune",
        "Review and development of the common strategy",
    ),
    ("business_models", "Modèles d'affaires", "Business models"),
    (
        "governance",
        "Gouvernance, prise de décision et gestion de projets",
        "Governance, decision-making and project management",
    ),
    (
        "functions",
        "Organisation des fonctions et services",
        "Organisation of functions and services",
    ),
    (
        "systems",
        "Systèmes opérationnels (processus, procédures, outils de gestion)",
        "Operational systems (processes, procedures, management tools)",
    ),
    ("human_resources", "Ressources humaines partagées", "Shared human resources"),
    ("cultures", "Cultures organisationnelles", "Organisational cultures"),
)

#: Target scenarios by default (key, French, English).
DEFAULT_SCENARIOS = (
    ("status_quo", "Statu quo amélioré", "Status quo improved"),
    (
        "integrated",
        "Alliance intégrée avec services partagés",
        "Integrated alliance with shared services",
    ),
    ("joint_structure", "Structure commune", "Joint structure"),
    ("merger", "Fusion", "Merger"),
)

#: Criteria by default (key, French, English, weight in %).
DEFAULT_CRITERIA = (
    ("mission", "Impact sur la mission", "Mission impact", Decimal(25)),
    ("efficiency", "Efficacité opérationnelle", "Operational efficiency", Decimal(20)),
    ("finance", "Soutenabilité financière", "Financial sustainability", Decimal(20)),
    ("culture", "Compatibilité des cultures", "Cultural fit", Decimal(15)),
    ("feasibility", "Faisabilité et risques", "Feasibility and risk", Decimal(10)),
    ("cost", "Coût", "Cost", Decimal(10)),
)


class EngagementStatus(models.TextChoices):
    PREPARATION = "preparation", _("In preparation")
    DIAGNOSTIC = "diagnostic", _("Diagnostic")
    RECOMMENDATIONS = "recommendations", _("Recommendations")
    PLAN = "plan", _("Implementation plan")
    CLOSED = "closed", pgettext_lazy("engagement status", "Closed")


class MilestoneKind(models.TextChoices):
    DIAGNOSTIC = "diagnostic", _("Diagnostic delivered")
    RECOMMENDATIONS = "recommendations", _("Recommendations validated")
    PLAN = "plan", _("Implementation plan delivered")
    OTHER = "other", _("Other milestone")


class StakeholderCategory(models.TextChoices):
    DIRECTION = "direction", pgettext_lazy("stakeholder category", "Direction")
    TEAM = "team", _("Team")
    IMPACT_INVESTOR = "impact_investor", _("Partner: impact investor")
    NETWORK_MEMBER = "network_member", _("Partner: network member")
    FINANCIAL_INSTITUTION = "financial_institution", _("Partner: financial institution")
    OTHER_PARTNER = "other_partner", _("Partner: other")
    BOARD = "board", _("Board member")


class InterviewKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group")


class InterviewStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Quadrant(models.TextChoices):
    """SWOT."""

    STRENGTH = "strength", _("Strength")
    WEAKNESS = "weakness", _("Weakness")
    OPPORTUNITY = "opportunity", _("Opportunity")
    THREAT = "threat", _("Threat")


class Priority(models.IntegerChoices):
    HIGH = 1, _("High")
    MEDIUM = 2, _("Medium")
    LOW = 3, _("Low")


class RecommendationStatus(models.TextChoices):
    """The validation workflow (seed 000): the directions, then the boards."""

    PROPOSED = "proposed", _("Proposed")
    VALIDATED_DIRECTIONS = "directions", _("Validated by the directions")
    VALIDATED_BOARDS = "boards", _("Validated by the boards")
    REJECTED = "rejected", _("Rejected")


class ActionStatus(models.TextChoices):
    TO_DO = "to_do", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class CommitteeMeetingKind(models.TextChoices):
    KICK_OFF = "kick_off", _("Kick-off and framing")
    MONTHLY = "monthly", _("Monthly meeting")
    RECOMMENDATIONS = "recommendations", _("Restitution of the recommendations")
    PLAN = "plan", _("Restitution of the implementation plan")
    OTHER = "other", _("Other meeting")


class CommitteeOutcomeKind(models.TextChoices):
    DECISION = "decision", _("Decision")
    ARBITRATION = "arbitration", _("Arbitration")


class DocumentKind(models.TextChoices):
    INTERNAL = "internal", _("Internal document")
    LITERATURE = "literature", _("Literature")


class Deliverable(models.TextChoices):
    """What the engagement produces (seed 000, "Production des livrables")."""

    INTERVIEWS = "interviews", _("Interview report (aggregated, anonymised)")
    DIAGNOSTIC = "diagnostic", _("Diagnostic report (SWOT and prioritised dimensions)")
    SCENARIOS = "scenarios", _("Scenario analysis")
    RECOMMENDATIONS = "recommendations", _("Recommendations")
    PLAN = "plan", _("Implementation plan")
    INTERMEDIATE = "intermediate", _("Intermediate activity report")
    FINAL = "final", _("Final activity report")


LIKERT = [(value, str(value)) for value in range(1, 6)]
