"""gunicorn entry point: ``gunicorn -c python:ektp_shared.gunicorn_conf console.wsgi:app``."""
from ektp_shared import logs

from .site import SITE

settings = SITE.load_settings()
logs.configure(settings.log_level)
app = SITE.create_app(settings)
