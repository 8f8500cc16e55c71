"""The officers' console as the launchers see it: served on port 8006, apart from the citizens' portal."""
from ektp_shared.site import SiteSpec

from .app import create_app
from .settings import ConsoleSettings

SITE = SiteSpec(name="console", title="Konsol petugas KTP-el", default_port=8006, settings_class=ConsoleSettings,
                create_app=create_app)
