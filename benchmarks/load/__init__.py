"""The quarter-end load run: data ten times the demo, a locust scenario, and the runner that
starts gunicorn, PostgreSQL, Redis and a Celery worker around it. See run.py."""
