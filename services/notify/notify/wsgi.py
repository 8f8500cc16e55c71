"""gunicorn entry point: ``gunicorn -c gunicorn.conf.py notify.wsgi:app``."""
from ektp_shared.web.app import wsgi_app

from .service import SERVICE

app = wsgi_app(SERVICE)
