"""The time summary (`TimeMonth`, `TimeWeek`), kept by triggers that `finance.time_summary`
installs after `migrate` (filling the tables from the entries the first time).

The engine and the checks now read the summary instead of grouping the entries, so the two
SQLite indexes of migration 0003 on the grouping expressions serve nothing: dropped (they cost
every insert).
"""

import importlib

import django.db.models.deletion
import django.db.models.functions.comparison
from django.db import migrations, models


_INDEXES_0003 = importlib.import_module(
    "maillage.finance.migrations.0003_timeentry_month_week_indexes_sqlite"
)


class Migration(migrations.Migration):

    dependencies = [
        ('finance', '0005_ledger_fewer_indexes'),
        ('workspaces', '0002_invitation_full_name'),
    ]

    operations = [
        migrations.CreateModel(
            name='TimeMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('hundredths', models.BigIntegerField()),
                ('first', models.DateField()),
                ('last', models.DateField()),
                ('entries', models.PositiveIntegerField()),
                ('agreement', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='finance.fundingagreement')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='finance.person')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='finance.project')),
                ('workspace', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='workspaces.workspace', verbose_name='workspace')),
            ],
            options={
                'indexes': [models.Index(fields=['workspace', 'project', 'month'], name='finance_tim_workspa_a75b9a_idx')],
                'constraints': [models.UniqueConstraint(models.F('person'), models.F('project'), django.db.models.functions.comparison.Coalesce(models.F('agreement'), models.Value(0)), models.F('month'), name='time_month_key')],
            },
        ),
        migrations.CreateModel(
            name='TimeWeek',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('week', models.DateField()),
                ('month', models.DateField()),
                ('hundredths', models.BigIntegerField()),
                ('first', models.DateField()),
                ('last', models.DateField()),
                ('entries', models.PositiveIntegerField()),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='finance.person')),
                ('workspace', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='workspaces.workspace', verbose_name='workspace')),
            ],
            options={
                'indexes': [models.Index(fields=['workspace', 'person'], name='finance_tim_workspa_25df45_idx')],
                'constraints': [models.UniqueConstraint(fields=('person', 'week', 'month'), name='time_week_key')],
            },
        ),
        migrations.RunPython(_INDEXES_0003.drop, _INDEXES_0003.create, elidable=False),
    ]
