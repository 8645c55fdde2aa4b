"""Reads of the objectives canvases: each member's entries by section (two queries)."""

from dataclasses import dataclass, field

from ..choices import VALUE_CHAIN_HELP, ValueChainLevel
from ..models import CanvasEntry, PartnershipMember


@dataclass
class SectionView:
    key: str
    label: str
    entries: list = field(default_factory=list)


@dataclass
class MemberCanvas:
    member: PartnershipMember
    sections: list[SectionView]
    writable: bool = False

    @property
    def count(self) -> int:
        return sum(len(section.entries) for section in self.sections)


def value_chain_levels() -> list[dict]:
    """The five levels of the value chain with their help (seed 001)."""
    return [
        {"key": level.value, "label": level.label, "help": VALUE_CHAIN_HELP[level]}
        for level in ValueChainLevel
    ]


def canvases(partnership, *, writable_ids=(), member_id: int | None = None) -> list[MemberCanvas]:
    """Each member's canvas (or only `member_id`'s), sections in the seed's order."""
    members = partnership.members.select_related("actor").order_by("pk")
    entries = CanvasEntry.objects.filter(partnership=partnership).order_by(
        "member_id", "position", "id"
    )
    if member_id is not None:
        members = members.filter(pk=member_id)
        entries = entries.filter(member_id=member_id)
    by_member: dict[int, dict[str, list]] = {}
    for entry in entries:
        by_member.setdefault(entry.member_id, {}).setdefault(entry.section, []).append(entry)
    writable_ids = set(writable_ids)
    found = []
    for member in members:
        own = by_member.get(member.pk, {})
        sections = [
            SectionView(key, label, own.get(key, [])) for key, label in CanvasEntry.Section.choices
        ]
        found.append(MemberCanvas(member, sections, member.pk in writable_ids))
    return found
