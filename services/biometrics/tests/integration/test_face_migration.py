"""Moving a gallery to a new face model in the real profile (PostgreSQL, S3): a service that enrolled with dlib
is upgraded to SFace with dlib kept as the legacy model; the face-migration task re-extracts every stored face
from its encrypted capture while new enrolments go on, resumes where it stopped, counts its progress, and no
face is ever compared across models."""
from __future__ import annotations

import dataclasses
import threading

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from biometrics import face_migration
from biometrics.engine.face import DLIB, SFACE, FaceTemplate
from biometrics.models import FaceMigration, Template
from biometrics.service import SERVICE
from ektp_shared.service import Runtime

from ..conftest import BIDEN, HARINGTON, OBAMA, Biometrics

pytestmark = pytest.mark.slow


def migrated_count() -> float:
    return REGISTRY.get_sample_value("ektp_biometric_face_migrations_total", {"outcome": "migrated"}) or 0.0


def faces_by_reference(runtime: Runtime) -> dict[str, set[str]]:
    with runtime.uow() as uow:
        rows = uow.session.execute(select(Template.reference_id, Template.data).where(Template.modality == "face")).all()
    found: dict[str, set[str]] = {}
    for reference_id, data in rows:
        found.setdefault(reference_id, set()).add(FaceTemplate.from_bytes(data).model)
    return found


def test_a_dlib_gallery_is_migrated_to_sface_while_enrolments_continue(make_biometrics):
    legacy = make_biometrics(real=True, face_model=DLIB)
    enrolled = [legacy.capture_and_decide(person) for person in (OBAMA, BIDEN)]
    assert [legacy.enrolment(a)["state"] for a in enrolled] == ["ENROLLED", "ENROLLED"]
    assert set(map(frozenset, faces_by_reference(legacy.runtime).values())) == {frozenset({DLIB})}

    # The upgrade: SFace by default, dlib still searched; one reference per run, so the task is seen resuming.
    settings = dataclasses.replace(legacy.runtime.settings, face_model=SFACE, legacy_face_models=DLIB,
                                   face_migration_batch=1)
    upgraded = Biometrics(Runtime.build(SERVICE, settings), legacy.intake)
    upgraded.handled = set(legacy.handled)
    try:
        with upgraded.runtime.uow() as uow:
            assert face_migration.remaining(uow.session, SFACE) == 2
        before = migrated_count()
        assert face_migration.migrate_faces(upgraded.runtime) == 1
        assert REGISTRY.get_sample_value("ektp_biometric_face_migration_remaining") == 1
        assert migrated_count() == before + 1

        # A new enrolment and the rest of the migration at the same time.
        migrating = threading.Thread(target=lambda: [face_migration.migrate_faces(upgraded.runtime) for _ in range(3)])
        migrating.start()
        newcomer = upgraded.capture_and_decide(HARINGTON)
        migrating.join(120)
        assert not migrating.is_alive()
        assert upgraded.enrolment(newcomer)["state"] == "ENROLLED"
        assert REGISTRY.get_sample_value("ektp_biometric_face_migration_remaining") == 0
        assert migrated_count() == before + 2

        faces = faces_by_reference(upgraded.runtime)
        assert all(models == {DLIB, SFACE} for models in faces.values()), faces  # the newcomer was captured with both
        with upgraded.runtime.uow() as uow:
            outcomes = uow.session.execute(select(FaceMigration.outcome, FaceMigration.model)).all()
        assert sorted(outcomes) == [("migrated", SFACE), ("migrated", SFACE)]

        # Obama comes again: the 1:1 check compares SFace with SFace, the 1:N search finds his first enrolment.
        again = upgraded.capture_and_decide(dataclasses.replace(OBAMA, face="obama_2.jpg", photo="obama_1.jpg"),
                                            impression=2)
        state = upgraded.enrolment(again)
        assert state["state"] == "DUPLICATE_SUSPECTED"
        assert [c["application_id"] for c in state["candidates"]] == [enrolled[0]]
        assert state["face_check"]["method"] == SFACE and state["face_check"]["result"] == "match"

        # After the migration dlib can go: a replica without it holds every enrolled face in SFace.
        retired = Runtime.build(SERVICE, dataclasses.replace(settings, legacy_face_models=""))
        try:
            with retired.uow() as uow:
                retired.context.abis.sync(uow.session)
            assert retired.context.abis.gallery.faces(SFACE) == 3
        finally:
            retired.dispose()
    finally:
        upgraded.runtime.dispose()
