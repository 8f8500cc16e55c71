"""Intake's metrics: applications per stage read from its database at scrape time, and what retention purged."""
from prometheus_client import Counter

from ektp_shared.metrics import StateGauges

from .models import Application
from .rules.states import FINAL_STAGES, Stage

STAGES = StateGauges(
    count=("ektp_applications", "Applications currently in each stage."),
    oldest=("ektp_application_oldest_in_stage_seconds",
            "Age of the longest-waiting application in each open stage (stuck applications)."),
    label="stage", state_column=Application.status, since_column=Application.status_since,
    states=tuple(stage.value for stage in Stage), open_states=frozenset(s.value for s in Stage if s not in FINAL_STAGES))
DOCUMENTS_PURGED = Counter("ektp_documents_purged_total",
                           "Documents (and their objects) deleted after the retention period of an ended application.",
                           ["reason"])
