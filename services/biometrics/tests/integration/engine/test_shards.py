"""A partitioned gallery: references spread over shards by the hash of their id, every shard searched and the
candidates merged, a new shard taking over its part, and a shard that is down failing the search instead
of answering "no duplicate"."""
import pytest

from biometrics.engine import SearchPolicy
from biometrics.engine.shards import LocalShard, ProcessShard, ShardedGallery, ShardUnavailable, shard_of

FACE_OF = {"101": "obama_1", "102": "biden_1", "103": "harington_1"}


def enrol(gallery, person_fingers, faces, count=40):
    """The three fixture people and filler references without fingers in common with anyone."""
    for person, face in FACE_OF.items():
        gallery.add_stored(f"ref-{person}", faces[face].to_bytes(), {f.position: f.to_bytes()
                                                                     for f in person_fingers[(person, 1)]})
    for i in range(count):
        gallery.add_stored(f"filler-{i}", None, {})


def test_each_shard_holds_its_partition_and_a_search_finds_the_mate_in_any(engine, person_fingers, faces):
    shards = [LocalShard(engine.new_gallery()), LocalShard(engine.new_gallery())]
    gallery = ShardedGallery(shards)
    enrol(gallery, person_fingers, faces)
    assert len(gallery) == 43 and all(0 < shard.size() < 43 for shard in shards)
    for ref in ("ref-101", "ref-102", "ref-103"):
        assert ref in shards[shard_of(ref, 2)].gallery
    for person, face in (("101", "obama_2"), ("102", "biden_2"), ("103", "harington_1")):
        assert [c.reference_id for c in gallery.identify(faces[face], person_fingers[(person, 2)])] == [f"ref-{person}"]
    assert gallery.identify(faces["leslie_1"], person_fingers[("101", 2)], exclude={"ref-101"}) == []


def test_a_new_shard_takes_over_the_references_it_now_owns(engine, person_fingers, faces):
    gallery = ShardedGallery([LocalShard(engine.new_gallery()), LocalShard(engine.new_gallery())])
    enrol(gallery, person_fingers, faces)
    new = LocalShard(engine.new_gallery())
    moved = gallery.add_shard(new)
    assert moved == new.size() > 0 and len(gallery) == 43
    assert all(shard_of(ref, 3) == 2 for ref in new.gallery.references())
    for person, face in (("101", "obama_2"), ("102", "biden_2"), ("103", "harington_1")):
        assert [c.reference_id for c in gallery.identify(faces[face], person_fingers[(person, 2)])] == [f"ref-{person}"]


def test_a_shard_that_is_down_fails_the_search_instead_of_answering_no_duplicate(engine, person_fingers, faces):
    remote = ProcessShard()
    try:
        gallery = ShardedGallery([LocalShard(engine.new_gallery()), remote], retries=1, retry_seconds=0.1)
        enrol(gallery, person_fingers, faces)
        owner = shard_of("ref-101", 2)
        assert [c.reference_id for c in gallery.identify(faces["obama_2"], person_fingers[("101", 2)])] == ["ref-101"]
        remote.process.kill()
        remote.process.join(5)
        with pytest.raises(ShardUnavailable):
            gallery.identify(faces["obama_2"], person_fingers[("101", 2)])
        assert owner in (0, 1)
    finally:
        remote.stop()


def test_a_recheck_asks_every_shard_for_just_the_references_named_and_the_cohort_keeps_one_gallerys_size(
        engine, person_fingers, faces):
    gallery = ShardedGallery([LocalShard(engine.new_gallery()), LocalShard(engine.new_gallery())],
                             policy=SearchPolicy(cohort_size=2))
    enrol(gallery, person_fingers, faces)
    probe = (faces["obama_2"], person_fingers[("101", 2)])
    assert [c.reference_id for c in gallery.identify(*probe, only={"ref-101", "ref-102", "ref-103"})] == ["ref-101"]
    assert gallery.identify(*probe, only={"ref-102", "ref-103", "filler-1"}) == [], "the mate was not named"
    assert "ref-101" in gallery and "ref-999" not in gallery
    assert gallery.faces() == 3 and len(gallery.face_cohort()) == 2
