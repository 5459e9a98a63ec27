"""The WSGI application (gunicorn and other production servers load `schoolgate.wsgi:application`)."""

import os

from django.core.wsgi import get_wsgi_application

from schoolgate import datadir

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolgate.settings")
datadir.prepare()
application = get_wsgi_application()
