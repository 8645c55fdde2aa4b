"""Workspaces created before the partnership module get the kinds new ones receive."""

from django.db import migrations


def give_existing_workspaces_defaults(apps, schema_editor):
    from maillage.partnerships.services.kinds import kinds_ensure_defaults

    kind_model = apps.get_model("partnerships", "PartnershipKind")
    for workspace in apps.get_model("workspaces", "Workspace").objects.all():
        kinds_ensure_defaults(workspace, kind_model=kind_model)


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0001_initial"), ("workspaces", "0002_invitation_full_name")]

    operations = [migrations.RunPython(give_existing_workspaces_defaults, migrations.RunPython.noop)]
