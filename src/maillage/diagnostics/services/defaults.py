"""What a new engagement starts from: the seven dimensions, the four scenarios and the six
weighted criteria of seed 000, named in the engagement's working language."""

from maillage.core.services import create_child

from ..choices import DEFAULT_CRITERIA, DEFAULT_DIMENSIONS, DEFAULT_SCENARIOS
from ..models import Criterion, Dimension, Engagement, Scenario


def ensure_defaults(engagement: Engagement, *, user, language: str = "fr", request=None) -> None:
    """Create the default lists the engagement does not have yet (a list it has, even emptied
    to one item on purpose, is left alone)."""
    english = language == "en"
    if not engagement.dimensions.exists():
        for position, (key, french, english_name) in enumerate(DEFAULT_DIMENSIONS):
            create_child(
                Dimension,
                "engagement",
                engagement,
                user=user,
                request=request,
                key=key,
                name=english_name if english else french,
                position=position,
            )
    if not engagement.scenarios.exists():
        for position, (key, french, english_name) in enumerate(DEFAULT_SCENARIOS):
            create_child(
                Scenario,
                "engagement",
                engagement,
                user=user,
                request=request,
                key=key,
                name=english_name if english else french,
                position=position,
            )
    if not engagement.criteria.exists():
        for position, (key, french, english_name, weight) in enumerate(DEFAULT_CRITERIA):
            create_child(
                Criterion,
                "engagement",
                engagement,
                user=user,
                request=request,
                key=key,
                name=english_name if english else french,
                weight=weight,
                position=position,
            )
