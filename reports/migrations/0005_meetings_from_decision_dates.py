"""Each decision was recorded with a typed meeting date: make a meeting of each partnership for each
such date (at 10:00 local time, reviewing the quarter of the decision's return) and point the
decisions at it, so that 0006 can drop the typed date."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations


def meetings_from_dates(apps, schema_editor):
    Decision = apps.get_model("reports", "Decision")
    Meeting = apps.get_model("reports", "Meeting")
    zone = ZoneInfo(settings.TIME_ZONE)
    meetings = {}
    decisions = Decision.objects.select_related("progress_return__action__priority__plan").order_by(
        "meeting_date", "id"
    )
    for decision in decisions:
        progress = decision.progress_return
        partnership_id = progress.action.priority.plan.partnership_id
        key = (partnership_id, decision.meeting_date)
        if key not in meetings:
            meetings[key] = Meeting.objects.create(
                partnership_id=partnership_id,
                starts=datetime.combine(decision.meeting_date, time(10), tzinfo=zone),
                year=progress.year,
                number=progress.number,
            )
        decision.meeting = meetings[key]
        decision.save(update_fields=["meeting"])


def dates_from_meetings(apps, schema_editor):
    Decision = apps.get_model("reports", "Decision")
    zone = ZoneInfo(settings.TIME_ZONE)
    for decision in Decision.objects.select_related("meeting"):
        decision.meeting_date = decision.meeting.starts.astimezone(zone).date()
        decision.save(update_fields=["meeting_date"])


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_meetings")]

    operations = [migrations.RunPython(meetings_from_dates, dates_from_meetings)]
