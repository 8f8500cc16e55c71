"""``create_app(settings=None) -> Flask`` for tests and the launcher."""
from ektp_shared.web.app import app_factory

from .service import SERVICE

create_app = app_factory(SERVICE)
