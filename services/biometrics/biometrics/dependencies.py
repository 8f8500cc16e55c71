"""What the biometrics service builds once per process: the engine (models load on first use) and the
matcher's gallery (filled from the database on the first search)."""
import dataclasses

from ektp_shared.service import Runtime

from .engine.engine import Engine
from .enrolments import GallerySync


@dataclasses.dataclass
class BiometricsDependencies:
    engine: Engine
    gallery: GallerySync


def build(runtime: Runtime) -> BiometricsDependencies:
    engine = Engine()
    return BiometricsDependencies(engine=engine, gallery=GallerySync(engine))
