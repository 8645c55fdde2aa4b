"""The partnership module's fixed vocabularies (seeds 001 and 004, DOMAIN.md §3).

Lists that a workspace edits (the kinds of partnership) are models; these are not: code,
reports and checklists rely on their keys.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Objective(models.TextChoices):
    """Why cooperate (seed 001): the seven objectives of an alliance."""

    INNOVATE = "innovate", _("Innovate and co-build a lasting solution")
    POOL = "pool", _("Pool strengths and expertise")
    RESOURCES = "resources", _("Access resources hard to reach alone")
    RESILIENCE = "resilience", _("Strengthen resilience through a trusted ecosystem")
    COMMON_FRONT = "common_front", _("Make a common front to change society")
    VISIBILITY = "visibility", _("Make one's action credible and visible")
    BENEFICIARIES = "beneficiaries", _("Reach beneficiaries better")


class ValueChainLevel(models.TextChoices):
    """Where in the value chain a need or an opportunity sits (seed 001)."""

    CONTEXT = "context", _("Context")
    UPSTREAM = "upstream", _("Upstream")
    OPERATIONS = "operations", _("Operations")
    DOWNSTREAM = "downstream", _("Downstream")
    SUPPORT = "support", pgettext_lazy("value chain", "Support")


VALUE_CHAIN_HELP = {
    ValueChainLevel.CONTEXT: _("political, economic and social context, regulation, news"),
    ValueChainLevel.UPSTREAM: _("inbound logistics, suppliers, raw materials"),
    ValueChainLevel.OPERATIONS: _("operations, marketing, development"),
    ValueChainLevel.DOWNSTREAM: _("outbound logistics, services offered, beneficiaries"),
    ValueChainLevel.SUPPORT: _("human resources, technology, premises, administration"),
}


class Stage(models.TextChoices):
    """The lifecycle (seed 001): a stage changes only through a gate decision."""

    MEET = "meet", _("01 Meet")
    FRAME = "frame", _("02 Frame")
    EXPERIMENT = "experiment", _("03 Experiment")
    DEPLOY = "deploy", _("04 Deploy")


STAGE_ORDER: list[str] = list(Stage.values)

STAGE_HELP = {
    Stage.MEET: _("Get to know the stakeholders, their motivations and brakes; align."),
    Stage.FRAME: _("Set the strategic and operational frame; prepare the experiment."),
    Stage.EXPERIMENT: _(
        "Test the human collaboration and the solution on a small scale; frame what follows."
    ),
    Stage.DEPLOY: _("Collaborate at scale, grow the impact, open to new opportunities."),
}


class Status(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("partnership status", "Active")
    PAUSED = "paused", pgettext_lazy("partnership status", "Paused")
    ENDED = "ended", pgettext_lazy("partnership status", "Ended")


class Outcome(models.TextChoices):
    """What a recorded decision says; `lifecycle.apply_outcome` holds the rules."""

    GO = "go", _("Go: move to the next stage")
    NO_GO = "no_go", _("No-go: stay at this stage")
    POSTPONE = "postpone", _("Postpone: decide again later")
    PAUSE = "pause", _("Pause the partnership")
    RESUME = "resume", _("Resume the partnership")
    END = "end", _("End the partnership")


class MemberRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    PARTNER = "partner", _("Partner")
    FUNDER = "funder", _("Funder")
    FACILITATOR = "facilitator", _("Facilitator")


class Side(models.TextChoices):
    """Which side of the partnership an organisation, a risk or a score stands for (seed 004)."""

    ASSOCIATION = "association", _("Association or ESS organisation")
    COMPANY = "company", _("Company")
    AUTHORITY = "authority", _("Public authority")
    OTHER = "other", _("Other")


class RiskSide(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    COMPANY = "company", _("Company")
    AUTHORITY = "authority", _("Public authority")
    ALL = "all", _("All sides")


class BrakeNature(models.TextChoices):
    """The three natures of brakes (seed 004)."""

    OPERATIONAL = "operational", _("Operational")
    CULTURAL = "cultural", _("Cultural")
    STRATEGIC = "strategic", _("Strategic")


class Dimension(models.TextChoices):
    """The three dimensions of a partnership's evaluation (seed 004)."""

    ASSOCIATION_VALUE = "association_value", _("Value added for the association")
    COMPANY_RETURN = "company_return", _("Return on engagement for the company")
    COMMON_GOOD = "common_good", _("Real impact on the common good")


class ExperimentTest(models.TextChoices):
    """What an experiment tests (seed 001: "Je veux…")."""

    SIMPLE_ACTIONS = "simple_actions", _("Test each other on simple joint actions")
    SHARED_VISION = "shared_vision", _("Set the shared vision more concretely")
    JOINT_OFFER = "joint_offer", _("Test a joint offer")


class ExperimentTool(models.TextChoices):
    EVENT = "event", _("Event")
    WORKSHOP = "workshop", _("Workshop")
    FOCUS_GROUP = "focus_group", _("Focus group")
    WEBINAR = "webinar", _("Webinar")
    MARKETING = "marketing", _("Marketing content")
    ONLINE_GROUP = "online_group", _("Online group")
    VISION_VALUES = "vision_values", _("Vision and values work")
    MASTERPLAN = "masterplan", _("Masterplan")


DEFAULT_KINDS = (
    ("collaboration", _("Collaboration")),
    ("cooperation", _("Cooperation")),
    ("consortium", _("Consortium")),
    ("patronage", _("Patronage")),
    ("economic_cooperation", _("Economic cooperation (PTCE)")),
    ("sector_cooperation", _("Sector cooperation (TEPOS, PAT, TZCLD)")),
    ("community", _("Community of actors")),
    ("coopetition", _("Coopetition")),
    ("advocacy", _("Advocacy alliance")),
)
