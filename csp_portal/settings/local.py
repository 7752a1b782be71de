"""Settings for trying the product on one machine: SQLite and in-process tasks unless told otherwise."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.boolean("DEBUG", default=True)
# A fixed key is acceptable only because these settings never face the internet.
SECRET_KEY = env.string("SECRET_KEY", "local-development-key-not-for-production-use-0123456789")

# Serve static files straight from the finders: no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
