"""Workspaces created before the impact module get the breakdown dimensions new ones receive."""

from django.db import migrations


def give_existing_workspaces_defaults(apps, schema_editor):
    from maillage.impact.services import breakdowns_ensure_defaults

    for workspace in apps.get_model("workspaces", "Workspace").objects.all():
        breakdowns_ensure_defaults(
            workspace,
            dimension_model=apps.get_model("impact", "BreakdownDimension"),
            category_model=apps.get_model("impact", "BreakdownCategory"),
        )


class Migration(migrations.Migration):
    dependencies = [("impact", "0001_initial"), ("workspaces", "0002_invitation_full_name")]

    operations = [migrations.RunPython(give_existing_workspaces_defaults, migrations.RunPython.noop)]
