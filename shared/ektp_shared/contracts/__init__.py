"""Event contracts: the envelope and every event's data schema. Importing this package fills the catalogue."""
from . import biometrics, intake, printing, verification  # noqa: F401  (each module declares its contracts)
from .catalog import CATALOG, Contract, by_type
from .envelope import CloudEvent, load_envelope

__all__ = ["CATALOG", "CloudEvent", "Contract", "by_type", "load_envelope"]
