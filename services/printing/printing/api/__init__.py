"""Printing's HTTP API: cards (printing, inspection, handover), the printer fleet and print queue, and each
office's stock, policy and reports. Routes parse, call a use case and respond; a use case's refusal becomes
its 4xx in ektp_shared.web."""
from flask_smorest import Blueprint

from ektp_shared.service import Runtime

from . import cards, offices, printers


def blueprints(runtime: Runtime) -> list[Blueprint]:
    return [cards.blueprint(runtime), printers.blueprint(runtime), offices.blueprint(runtime)]
