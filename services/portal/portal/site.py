"""The portal as the launchers see it: served on port 8000 beside the five services."""
from ektp_shared.site import SiteSpec

from .app import create_app
from .settings import PortalSettings

SITE = SiteSpec(name="portal", title="Layanan KTP-el online", default_port=8000, settings_class=PortalSettings,
                create_app=create_app)
