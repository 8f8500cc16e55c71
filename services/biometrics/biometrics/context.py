"""What biometrics' handlers, tasks and routes work with, built once per process: the engine (models load
on first use), the extractor (its process pool starts with the first capture), the matcher's gallery (filled
from the database by the worker's gallery-sync task and before every decision; with EKTP_MATCHER_SHARDS > 1 its
shard processes start then too, never in an API process) and the link signer that
fetches the application's photo from intake (with intake's link key)."""
import dataclasses
import functools
from collections.abc import Callable

from ektp_shared.links import LinkSigner
from ektp_shared.service import Context, Runtime

from .abis import Abis
from .engine import Engine, EngineSettings, FacePolicy, SearchPolicy
from .extraction import Extractor
from .partitions import Partitions
from .settings import BiometricsSettings


@dataclasses.dataclass(frozen=True)
class BiometricsContext(Context):
    settings: BiometricsSettings
    links: LinkSigner
    engine: Engine
    abis: Abis
    extractor: Extractor
    photo_policy: FacePolicy  # the application's 4x6 photo: the capture rules with a smaller minimum face
    lookup_hash: Callable[[str], str]  # the keyed hash a holder's enrolments are found by, never the NIK itself


@functools.lru_cache(maxsize=4)
def _engine(settings: EngineSettings) -> Engine:
    """One engine per process and configuration: its models (~550 MB) load once, however many runtimes
    the process builds (the embedded profile and the tests build several)."""
    return Engine(settings)


def legacy_models(settings: BiometricsSettings) -> tuple[str, ...]:
    return tuple(m.strip() for m in settings.legacy_face_models.split(",") if m.strip())


def build(runtime: Runtime) -> BiometricsContext:
    settings: BiometricsSettings = runtime.settings
    engine = _engine(EngineSettings(search=SearchPolicy(target_fpir=settings.target_fpir),
                                    face_target_fmr=settings.face_target_fmr,
                                    finger_target_fmr=settings.finger_target_fmr, face_model=settings.face_model,
                                    legacy_face_models=legacy_models(settings)))
    gallery = Partitions(settings, engine.settings) if settings.matcher_shards > 1 else None
    return BiometricsContext(
        settings=settings, links=LinkSigner(settings.intake_link_secret), engine=engine, abis=Abis(engine, gallery),
        extractor=Extractor(engine, settings.extract_processes),
        photo_policy=dataclasses.replace(engine.settings.face, min_eye_distance_px=settings.photo_min_eye_distance_px),
        lookup_hash=runtime.cipher.lookup_hash)
