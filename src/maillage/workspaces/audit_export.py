"""The audit trail as a CSV file, with the filters of the page (see `views.audit_log`)."""

from datetime import UTC

from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.exports import Column, csv_response


def _when(event) -> str:
    return event.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _who(event) -> str:
    return str(event.user) if event.user is not None else event.user_label


def _value(value) -> str:
    return "∅" if value is None else str(value)


def _changes(event) -> str:
    changes = event.changes if isinstance(event.changes, dict) else {}
    parts = []
    for name, values in changes.items():
        if isinstance(values, list) and len(values) == 2:
            parts.append(f"{name}: {_value(values[0])} → {_value(values[1])}")
        else:
            parts.append(f"{name}: {_value(values)}")
    return "; ".join(parts)


def audit_csv_response(workspace, events):
    columns = [
        Column(_when, _("When (UTC)")),
        Column(_who, _("Who")),
        Column("user_label", _("Address at the time")),
        Column(lambda e: e.get_action_display(), _("Action")),
        Column("object_type", _("Object type")),
        Column("object_id", _("Object id")),
        Column("object_repr", _("Object")),
        Column(_changes, _("Changed fields")),
        Column("ip_address", _("IP address")),
        Column("path", _("Path")),
    ]
    filename = f"audit-{workspace.slug}-{timezone.now():%Y-%m-%d}.csv"
    return csv_response(filename, columns, events.iterator(chunk_size=1000))
