"""Writes for the prioritised dimensions: the ranking people agree on, with a rationale."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.core.services import tenant_update


def check_ranks(ranks: dict[int, int | None]) -> dict[int, str]:
    """Errors by dimension id: the ranks must be all empty, or each of 1..n exactly once."""
    given = {pk: rank for pk, rank in ranks.items() if rank is not None}
    if not given:
        return {}
    n = len(ranks)
    errors = {}
    seen: dict[int, int] = {}
    for pk, rank in ranks.items():
        if rank is None:
            errors[pk] = _("Give every dimension a rank (1 to %(n)s), or none.") % {"n": n}
        elif not 1 <= rank <= n:
            errors[pk] = _("The rank must be between 1 and %(n)s.") % {"n": n}
        elif rank in seen:
            errors[pk] = _("Rank %(rank)s is given twice.") % {"rank": rank}
            errors.setdefault(seen[rank], _("Rank %(rank)s is given twice.") % {"rank": rank})
        else:
            seen[rank] = pk
    return errors


def save_ranking(dimensions, values: dict[int, dict], *, user, request=None) -> None:
    """`values`: {dimension id: {"rank", "rationale", "version"}} for every dimension of the
    engagement. All saved or none (ValidationError by dimension id, StaleObjectError)."""
    errors = check_ranks({d.pk: values[d.pk]["rank"] for d in dimensions})
    if errors:
        raise ValidationError({str(pk): message for pk, message in errors.items()})
    with transaction.atomic():
        for dimension in dimensions:
            value = values[dimension.pk]
            if (dimension.priority_rank, dimension.priority_rationale) == (
                value["rank"],
                value["rationale"],
            ):
                continue
            tenant_update(
                dimension,
                user=user,
                expected_version=value["version"],
                request=request,
                priority_rank=value["rank"],
                priority_rationale=value["rationale"],
            )
