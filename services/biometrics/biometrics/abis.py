"""The matcher side of biometrics (an in-house ABIS): the gallery of enrolled references and the
IDENTIFY and INSERT operations on it. It knows pseudonymous reference ids and their templates only,
never an application, a NIK or a name, so a commercial ABIS could take its place behind the same
two requests (docs/biometrics.md).

Consistency between replicas. The ``gallery`` table is the gallery of record; every worker process
keeps an in-memory copy for speed (the engine's Gallery). A decision (IDENTIFY, and INSERT when there
is no hit) searches without any lock, on the entries committed when it last loaded them (its
watermark). Only what follows a search without a hit is serialised: under a PostgreSQL
transaction-scoped advisory lock, held until the decision commits, it loads the entries committed
since its watermark (those enrolled meanwhile), compares the probe with just those, and enrols only
when none is a hit. Sequence numbers are given out under that lock, so every entry with a lower number
is committed when a decision holds it: of two captures of one person searched at the same moment, the
second to take the lock finds the first among the entries enrolled meanwhile. The lock is held for a
handful of comparisons instead of a whole search. The embedded profile (SQLite) has one worker
process, whose consumer thread is the only one that decides.

An entry added in a transaction that then rolls back (say another event of the same batch failed) is
taken out of the in-memory copy again, so memory never holds what the database does not.
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Collection, Iterable

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session, SessionTransaction

from . import metrics
from .engine import Candidate, Engine, FaceCohort, FaceTemplate, FingerTemplate, Gallery
from .engine.engine import cohort_method
from .models import GalleryEntry, Template
from .partitions import Partitions

FACE = "face"
FINGER = "finger"
FINGER_MODEL = "leader-iso19794-2"  # LEADER minutiae as ISO/IEC 19794-2:2005 records (templates.model)
LOCK_KEY = 0x656B_7470_6269_6F  # "ektpbio": the advisory lock of gallery decisions
_PENDING = "biometrics.abis.pending"  # session.info: entries this transaction added to memory
_LISTENING = "biometrics.abis.listening"


def stored_templates(session: Session, reference_ids: Iterable[str]) -> dict[str, tuple[list[bytes], dict[int, bytes]]]:
    """Face template bytes (one per face model) and ISO/IEC 19794-2 finger records by position, per reference."""
    found: dict[str, tuple[list[bytes], dict[int, bytes]]] = {}
    for template in session.scalars(select(Template).where(Template.reference_id.in_(list(reference_ids)))):
        faces, fingers = found.setdefault(template.reference_id, ([], {}))
        if template.modality == FACE:
            faces.append(template.data)
        else:
            fingers[template.position] = template.data
    return found


def _lock_decisions(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})


class Abis:
    def __init__(self, engine: Engine, gallery: Gallery | Partitions | None = None):
        """gallery: the in-memory copy, one Gallery (the default) or the worker's shards (partitions.py)."""
        self.engine = engine
        self.gallery = engine.new_gallery() if gallery is None else gallery
        self._seen = 0  # the highest gallery seq loaded into memory
        self._lock = threading.RLock()  # the in-memory copy and its watermark change together

    def sync(self, session: Session) -> int:
        """Load the gallery entries committed since the last look (all of them at start); returns how many."""
        return len(self._load(session))

    def _load(self, session: Session) -> list[str]:
        """Load the entries committed since the last look; their reference ids."""
        with self._lock:
            try:
                if isinstance(self.gallery, Partitions):  # shards that are down start, loading their partitions
                    self._seen = self.gallery.revive(session, self._seen)
                rows = session.execute(select(GalleryEntry.reference_id, GalleryEntry.seq)
                                       .where(GalleryEntry.seq > self._seen).order_by(GalleryEntry.seq)).all()
                for start in range(0, len(rows), 500):
                    chunk = rows[start:start + 500]
                    stored = stored_templates(session, [row.reference_id for row in chunk])
                    for row in chunk:
                        faces, fingers = stored.get(row.reference_id, ([], {}))
                        self.gallery.add_stored(row.reference_id, faces, fingers)
                    self._seen = chunk[-1].seq
            except Exception:
                metrics.MATCHER_ERRORS.labels("sync").inc()
                raise
            metrics.GALLERY_IDENTITIES.set(len(self.gallery))
            return [row.reference_id for row in rows]

    def face_cohort(self, model: str) -> FaceCohort | None:
        """Enrolled faces of a model to normalise 1:1 face comparisons, once there are as many as the
        calibration used (None also for a model the gallery no longer keeps, and for one whose comparisons
        use no cohort: SFace's, so its face check never waits for the gallery's shards)."""
        if cohort_method(model) not in self.engine.calibration.matchers:
            return None
        with self._lock:
            if model not in self.engine.settings.face_models or \
                    self.gallery.faces(model) < self.gallery.policy.cohort_size:
                return None
            return self.gallery.face_cohort(model)

    def _probe(self, session: Session, reference_id: str) -> tuple[list[FaceTemplate], list[FingerTemplate]]:
        faces, fingers = stored_templates(session, [reference_id]).get(reference_id, ([], {}))
        if not fingers:
            raise LookupError("no finger templates are stored for this reference")
        order = self.engine.settings.face_models
        templates = sorted((FaceTemplate.from_bytes(blob) for blob in faces),
                           key=lambda t: order.index(t.model) if t.model in order else len(order))
        return templates, [FingerTemplate.from_bytes(blob) for blob in fingers.values()]

    def identify(self, session: Session, reference_id: str, target_fpir: int,
                 exclude: Collection[str] = ()) -> list[Candidate]:
        """IDENTIFY: enrolled references that are probably the same person, best first, leaving out
        ``exclude`` (the holder's own enrolments, for a replacement). No lock: a search of the entries this
        replica has loaded (decide() is what enrols)."""
        self.sync(session)
        return self._search(session, reference_id, target_fpir, exclude=exclude)

    def decide(self, session: Session, reference_id: str, target_fpir: int, now: dt.datetime) -> list[Candidate]:
        """IDENTIFY, and INSERT when nobody matches: the candidates, or [] once the reference is enrolled (in
        the caller's transaction, which holds the decision lock until it commits)."""
        with self._lock:
            self._load(session)
            watermark = self._seen
        found = self._search(session, reference_id, target_fpir)
        if found:
            return found
        _lock_decisions(session)
        self._load(session)
        meanwhile = session.scalars(select(GalleryEntry.reference_id).where(
            GalleryEntry.seq > watermark, GalleryEntry.reference_id != reference_id)).all()
        if meanwhile:
            found = self._search(session, reference_id, target_fpir, only=meanwhile)
            if found:
                metrics.CONCURRENT_DUPLICATES.inc()
                return found
        self.insert(session, reference_id, now)
        return []

    def _search(self, session: Session, reference_id: str, target_fpir: int,
                only: Collection[str] | None = None, exclude: Collection[str] = ()) -> list[Candidate]:
        started = time.perf_counter()
        try:
            face, fingers = self._probe(session, reference_id)
            found = self.gallery.identify(face, fingers, target_fpir=target_fpir, exclude={reference_id, *exclude},
                                          only=only)
        except Exception:
            metrics.MATCHER_ERRORS.labels("identify").inc()
            raise
        if only is None:
            metrics.IDENTIFY_DURATION.observe(time.perf_counter() - started)
        return found

    def insert(self, session: Session, reference_id: str, now: dt.datetime) -> bool:
        """INSERT: add the reference's stored templates to the gallery. False when it is there already
        (a redelivered or repeated request): a reference is enrolled once."""
        _lock_decisions(session)
        self.sync(session)
        with self._lock:
            if session.get(GalleryEntry, reference_id) is not None:
                return False
            try:
                faces, fingers = stored_templates(session, [reference_id]).get(reference_id, ([], {}))
                if not fingers:
                    raise LookupError("no finger templates are stored for this reference")
                seq = (session.scalar(select(func.max(GalleryEntry.seq))) or 0) + 1
                session.add(GalleryEntry(reference_id=reference_id, seq=seq, inserted_at=now))
                session.flush()
                self._remember(session, reference_id, self._seen)
                self.gallery.add_stored(reference_id, faces, fingers)
                self._seen = seq
            except Exception:
                metrics.MATCHER_ERRORS.labels("insert").inc()
                raise
            metrics.GALLERY_IDENTITIES.set(len(self.gallery))
            return True

    def resequence(self, session: Session, reference_id: str) -> bool:
        """An enrolled reference's templates changed (its face was migrated to a new model): give its entry
        the next sequence number, so every replica (this one too) reloads it at its next sync. False when
        the reference is not enrolled."""
        _lock_decisions(session)
        entry = session.get(GalleryEntry, reference_id)
        if entry is None:
            return False
        entry.seq = (session.scalar(select(func.max(GalleryEntry.seq))) or 0) + 1
        session.flush()
        return True

    def _remember(self, session: Session, reference_id: str, seen_before: int) -> None:
        if not session.info.get(_LISTENING):
            session.info[_LISTENING] = True
            event.listen(session, "after_commit", lambda committed: committed.info.pop(_PENDING, None))
            event.listen(session, "after_transaction_end", self._forget_uncommitted)
        session.info.setdefault(_PENDING, []).append((reference_id, seen_before))

    def _forget_uncommitted(self, session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is not None:
            return  # a savepoint; the transaction itself has not ended
        pending = session.info.pop(_PENDING, None)  # still there: the transaction ended without a commit
        if not pending:
            return
        with self._lock:
            for reference_id, seen_before in reversed(pending):
                self.gallery.remove(reference_id)
                self._seen = seen_before
            metrics.GALLERY_IDENTITIES.set(len(self.gallery))
