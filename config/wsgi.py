import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# gunicorn runs no system checks: a production server without SITE_URL stops here.
from xinban.core.checks import refuse_to_start_when_misconfigured  # noqa: E402

refuse_to_start_when_misconfigured()
