"""Settings for the test suite, which runs against real PostgreSQL and Redis (see tests/services.py)."""

import os

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env.string("SECRET_KEY", "test-key-not-for-production-use-0123456789abcdefghijklmnop")
DEBUG = False
# The test processes copy a database the suite migrated once (tests/services.py sets this; it is the
# suite's own, not a setting of a deployment).
if template := os.environ.get("TEST_DATABASE_TEMPLATE"):
    DATABASES["default"]["TEST"] = {"TEMPLATE": template}  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Unit tests read mail.outbox; a test that starts a real SMTP server (tests/smtp.py) names it in
# EMAIL_URL for the processes it starts, and they speak SMTP to it.
if not env.string("EMAIL_URL", ""):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    # The local disk, or the object store given by the environment (a worker in tests/test_object_storage.py).
    "default": STORAGES["default"],  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Serve static files straight from the finders: no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
