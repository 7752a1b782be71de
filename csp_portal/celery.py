"""The single Celery entry point: ``celery -A csp_portal worker`` and ``celery -A csp_portal beat``.

Configuration comes from Django settings under the ``CELERY_`` namespace (broker, JSON
serialisation, time limits, the beat schedule). With no REDIS_URL, tasks run in-process.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csp_portal.settings.local")

app = Celery("csp_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["csp_portal"])
