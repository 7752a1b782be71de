"""Settings package: ``local`` (the default for manage.py), ``test`` and ``production``."""
