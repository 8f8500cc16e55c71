"""Real images from tests/fixtures (see its NOTICE.md) and one engine per test session: the models
load once, as in the service."""
from pathlib import Path

import pytest

from biometrics.engine import Engine

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def read_fixture(name: str) -> bytes:
    folder = "faces" if (FIXTURES / "faces" / name).exists() else "fingerprints"
    return (FIXTURES / folder / name).read_bytes()


@pytest.fixture(scope="session")
def image():
    """The bytes of a fixture image, by file name."""
    return read_fixture


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine()


@pytest.fixture(scope="session")
def person_fingers(engine):
    """Three people with two fingers each (right index = an FVC2000 finger, left index = an FVC2002
    finger), enrolled from impression 1 and captured again as impression 2."""
    people = {}
    for person in ("101", "102", "103"):
        for impression in (1, 2):
            people[(person, impression)] = [
                engine.extract_finger(2, read_fixture(f"fvc2000_db1_{person}_{impression}.png")),
                engine.extract_finger(7, read_fixture(f"fvc2002_db1_{person}_{impression}.png")),
            ]
    return people


@pytest.fixture(scope="session")
def faces(engine):
    return {name: engine.extract_face(read_fixture(f"{name}.jpg"))
            for name in ("obama_1", "obama_2", "biden_1", "biden_2", "harington_1", "leslie_1")}
