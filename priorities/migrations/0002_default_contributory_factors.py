"""The contributory factors and determinants the Lancashire Community Safety Agreement names."""

from django.db import migrations

FACTORS = [
    "Alcohol use or misuse",
    "Drug use or misuse",
    "Previous offending",
    "Deprivation",
    "Social inequality",
    "Poor mental health",
]


def add_factors(apps, schema_editor):
    ContributoryFactor = apps.get_model("priorities", "ContributoryFactor")
    for order, name in enumerate(FACTORS, start=1):
        ContributoryFactor.objects.get_or_create(name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("priorities", "0001_plans_priorities_and_priority_setting")]

    operations = [migrations.RunPython(add_factors, migrations.RunPython.noop)]
