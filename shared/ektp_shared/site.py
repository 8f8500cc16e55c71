"""A site: a server-rendered web application of the platform (the citizen portal, later the officers'
console). A site owns no domain data: it calls the services' public HTTP APIs for the person in front of it.
Each registers a ``SiteSpec`` under the ``ektp.sites`` entry-point group, so the launchers serve it beside the
services (``make run``, ``make up``) and its image runs ``gunicorn <site>.wsgi:app`` like a service's API.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from .settings import Settings, load


@dataclasses.dataclass(frozen=True)
class SiteSpec:
    name: str
    title: str
    default_port: int
    settings_class: type[Settings]
    create_app: Callable[[Any], Any]  # settings -> flask.Flask

    def load_settings(self, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        settings = load(self.settings_class, self.name, environ, **overrides)
        return settings if settings.http_port else dataclasses.replace(settings, http_port=self.default_port)


def discover_sites(*names: str) -> dict[str, SiteSpec]:
    """The installed sites (all, or those named), by name, in port order."""
    from importlib.metadata import entry_points

    specs = [entry.load() for entry in entry_points(group="ektp.sites") if not names or entry.name in names]
    return {spec.name: spec for spec in sorted(specs, key=lambda s: s.default_port)}
