"""The tests' own scanner for personal data (tests/privacy.py): identifiers are not hits,
phone numbers next to them still are."""

import uuid

from tests.privacy import scan_value


def test_a_run_id_whose_first_group_looks_like_a_phone_number_is_not_personal_data():
    assert scan_value("09558351-19c5-41d1-ad30-cc41a0deb13e", None) == []
    assert all(scan_value(str(uuid.uuid4()), None) == [] for _ in range(2000))


def test_a_phone_number_is_still_found_beside_an_identifier():
    assert scan_value("run 09558351-19c5-41d1-ad30-cc41a0deb13e: ring 070-174 06 12", None) == ["telefon"]
