"""Settings of the biometrics service (environment variables; see README, Configuration).

Decision thresholds are set as error rates, never as scores: the engine's calibration (measured by
``python -m biometrics.evaluate``) turns each rate into the score it needs.
"""
import dataclasses

from ektp_shared.settings import DEVELOPMENT_SECRET, Settings, SettingsError, setting


@dataclasses.dataclass(frozen=True)
class BiometricsSettings(Settings):
    link_secret: str = setting(DEVELOPMENT_SECRET, "HMAC key of the short-lived links to its face images and portraits (officers' browsers, printing), which it checks (its own: no other document service shares it).", secret=True)
    intake_link_secret: str = setting(DEVELOPMENT_SECRET, "intake's link key (intake's EKTP_LINK_SECRET): signs the links to the application's photo it fetches.", secret=True)
    min_fingers: int = setting(2, "Fingers a capture must contain (the chip carries two; offices capture ten).")
    target_fpir: int = setting(30, "1:N decision threshold, MOSIP style: round(-10*log10(FPIR)); 30 = FPIR 0.001.")
    face_target_fmr: float = setting(
        1e-3, "1:1 live face against the application's photo: the false-match rate accepted (SFace, held-out LFW part: "
              "FNMR about 1 % at 1e-3). A face that does not reach it waits for an officer's review.")
    face_model: str = setting("sface-2021dec", "The face model every new face is extracted with (sface-2021dec; the "
                                               "legacy dlib-resnet-v1). Its calibration must be in the package.")
    legacy_face_models: str = setting(
        "", "Comma-separated older face models whose stored templates are still searched while the face-migration "
            "task re-extracts them with face_model (e.g. dlib-resnet-v1 after an upgrade). Captures are then extracted "
            "with these too, so no comparison crosses models; empty once ektp_biometric_face_migration_remaining is 0.")
    face_migration_batch: int = setting(20, "References the face-migration task re-extracts per run (0: the task is off).")
    face_migration_seconds: float = setting(5.0, "How often the face-migration task runs while stored faces of a legacy "
                                                 "model remain.")
    finger_target_fmr: float = setting(1e-4, "1:1 fingerprint verification (later identity checks): the false-match "
                                             "rate accepted, all compared fingers fused.")
    photo_min_eye_distance_px: float = setting(
        30.0, "Smallest distance between the eyes in the application's 4x6 photo for the 1:1 comparison (the live "
              "capture needs 60; the calibration holds down to 16).")
    intake_url: str = setting("http://127.0.0.1:8001", "Base URL of the intake service, from which the worker fetches "
                                                       "the application's photo by a short-lived signed link.")
    photo_link_seconds: int = setting(60, "Lifetime of the signed link to the application's photo.")
    photo_fetch_timeout_seconds: float = setting(10.0, "Timeout of fetching the application's photo from intake.")
    extract_processes: int = setting(
        0, "Processes per API process that extract a capture's images in parallel (each holds the models, ~550 MB); "
           "0 extracts in the request's thread, whose ONNX Runtime already uses the cores (2 cores: 4.9 s for ten "
           "fingers and a face in the thread, 4.0 s with 2 processes).")
    gallery_sync_seconds: float = setting(30.0, "How often a worker loads enrolments other replicas committed into its "
                                                "in-memory gallery (every decision also syncs first).")
    matcher_shards: int = setting(
        1, "Matcher shards of the worker's 1:N gallery: 1 keeps the whole gallery in the worker's process; N > 1 starts N "
           "shard processes in the worker's pod, each loading from the database only the references whose id hashes to "
           "it, all searched in parallel for every decision. A shard that is down fails the decision (the bus retries "
           "it) until the worker has restarted it. Size the worker pod's CPU and memory by N (docs/biometrics.md).")

    def __post_init__(self) -> None:
        if self.matcher_shards < 1:
            raise SettingsError(f"EKTP_MATCHER_SHARDS: {self.matcher_shards} is not a number of shards (1 or more)")
