"""Per-province labels stay bounded: an office's province, never the office or anything else."""
import pytest

from ektp_shared.metrics import province_of_office


@pytest.mark.parametrize(("office", "province"), [
    ("DISDUKCAPIL-3201", "32"), ("DISDUKCAPIL-6501", "65"), ("", "unknown"), ("*", "unknown"), ("DISDUKCAPIL-X1", "unknown"),
])
def test_an_office_is_counted_under_its_province(office, province):
    assert province_of_office(office) == province
