import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_partnership(apps, schema_editor):
    """Every existing action carries out a priority: its partnership is the priority's plan's."""
    Priority = apps.get_model("priorities", "Priority")
    for name in ("Action", "HistoricalAction"):
        model = apps.get_model("actionplans", name)
        of_priority = Priority.objects.filter(pk=OuterRef("priority_id")).values("plan__partnership_id")[:1]
        model.objects.filter(priority_id__isnull=False).update(partnership_id=Subquery(of_priority))


class Migration(migrations.Migration):
    dependencies = [
        ("actionplans", "0006_draft_actions"),
        ("assessments", "0006_import_refused_label"),
        ("organisations", "0009_invitations"),
        ("priorities", "0006_single_line_fields"),
        ("reviews", "0001_statutory_reviews"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="action",
            name="partnership",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="actions",
                to="organisations.partnership",
            ),
        ),
        migrations.AddField(
            model_name="action",
            name="recommendation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="actions",
                to="reviews.recommendation",
            ),
        ),
        migrations.AddField(
            model_name="historicalaction",
            name="partnership",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="organisations.partnership",
            ),
        ),
        migrations.AddField(
            model_name="historicalaction",
            name="recommendation",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="reviews.recommendation",
            ),
        ),
        migrations.RunPython(fill_partnership, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="action",
            name="partnership",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="actions",
                to="organisations.partnership",
            ),
        ),
        migrations.AlterField(
            model_name="action",
            name="priority",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="actions",
                to="priorities.priority",
            ),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(fields=["partnership", "archived_at"], name="actionplans_partner_e270b0_idx"),
        ),
        migrations.AddConstraint(
            model_name="action",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("priority__isnull", False), ("recommendation__isnull", True)),
                    models.Q(("priority__isnull", True), ("recommendation__isnull", False)),
                    _connector="OR",
                ),
                name="action_of_a_priority_or_a_recommendation",
            ),
        ),
    ]
