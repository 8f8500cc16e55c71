"""The biometrics service's metrics. Labels are reason codes, operations and states: never an id.

Process metrics (counters, histograms, the in-memory gallery size) are observed where the work runs:
extraction and 1:1 fingerprint checks in the API, face checks and the 1:N search in the worker.
Enrolments per state are read from the database at scrape time, so every process reports the same.
"""
from prometheus_client import Counter, Gauge, Histogram

from ektp_shared.metrics import StateGauges

from .models import Enrolment
from .rules.states import OPEN, STATES

SEARCH_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30)
EXTRACT_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60)

MATCHER_ERRORS = Counter("ektp_biometric_matcher_errors_total",
                         "Matcher operations that failed with an error (not a rejected capture).", ["operation"])
IDENTIFY_DURATION = Histogram("ektp_biometric_identify_duration_seconds",
                              "Time of one 1:N search (gallery sync, face shortlist, fingerprint matching).",
                              buckets=SEARCH_BUCKETS)
CONCURRENT_DUPLICATES = Counter("ektp_biometric_concurrent_duplicates_total",
                                "Duplicates caught only by the re-check against what was enrolled during the search.")
EXTRACT_DURATION = Histogram("ektp_biometric_capture_extract_duration_seconds",
                             "Time to quality-check and template a whole capture (all fingers and the face).",
                             buckets=EXTRACT_BUCKETS)
CAPTURE_REJECTIONS = Counter("ektp_biometric_capture_rejections_total",
                             "Images of a capture refused by the quality gate, by reason code.", ["reason"])
VERIFICATIONS = Counter("ektp_biometric_verifications_total",
                        "1:1 checks by kind (face_photo: the live face against the application's photo; fingers: "
                        "an identity check) and outcome.", ["kind", "outcome"])
GALLERY_IDENTITIES = Gauge("ektp_biometric_gallery_identities",
                           "Identities in this matcher's in-memory gallery (compare with enrolled identities: a "
                           "replica that lags behind searches an old gallery).", multiprocess_mode="livemax")
SHARD_STARTS = Counter("ektp_biometric_matcher_shard_starts_total",
                       "Matcher shard processes started, each loading its partition of the gallery (EKTP_MATCHER_SHARDS "
                       "at the worker's start; every start after that restarts a shard that went down).")
FACE_MIGRATIONS = Counter("ektp_biometric_face_migrations_total",
                          "Stored faces re-extracted with the default face model, by outcome (migrated; failed: the "
                          "model found no acceptable face in the stored capture; superseded: recaptured meanwhile).",
                          ["outcome"])
FACE_MIGRATION_REMAINING = Gauge("ektp_biometric_face_migration_remaining",
                                 "References whose stored face has no template of the default face model yet (as of "
                                 "the face-migration task's last run; 0: legacy models can be retired).",
                                 multiprocess_mode="livemax")


ENROLMENTS = StateGauges(
    count=("ektp_biometric_enrolments", "Enrolments in each state."),
    oldest=("ektp_biometric_enrolment_oldest_seconds", "Time the longest-waiting enrolment has been in each open state."),
    label="state", state_column=Enrolment.state, since_column=Enrolment.state_since, states=tuple(STATES),
    open_states=frozenset(OPEN))
