"""The evaluation's development/test split: by person, half of each group in each part, the same every run."""
from biometrics.split import DEVELOPMENT, TEST, split

ASIAN = {f"asia-{i}" for i in range(20)}
OTHERS = {f"other-{i}" for i in range(41)}


def test_every_person_is_in_exactly_one_part_and_each_group_is_halved():
    parts = split(ASIAN | OTHERS, [ASIAN])
    assert set(parts) == ASIAN | OTHERS and set(parts.values()) == {DEVELOPMENT, TEST}
    assert sum(parts[s] == TEST for s in ASIAN) == 10
    assert sum(parts[s] == TEST for s in OTHERS) in (20, 21)


def test_the_split_is_the_same_every_run_whatever_the_order():
    assert split(sorted(ASIAN | OTHERS), [ASIAN]) == split(sorted(ASIAN | OTHERS, reverse=True), [ASIAN])
