"""Month arithmetic (orchestration/months.py), on months worked out by hand: year ends both ways."""
from orchestration.months import month_index, month_of_index, month_plus, months_between


def test_a_month_is_counted_from_year_zero():
    assert month_index("2024-01") == 2024 * 12
    assert month_index("2024-12") == 2024 * 12 + 11
    assert month_of_index(2025 * 12) == "2025-01"
    assert month_of_index(2024 * 12 + 11) == "2024-12"


def test_adding_months_crosses_year_ends_both_ways():
    assert month_plus("2024-12", 1) == "2025-01"
    assert month_plus("2025-01", -1) == "2024-12"
    assert month_plus("2024-07", 0) == "2024-07"
    assert month_plus("2025-01", -13) == "2023-12"
    assert month_plus("2024-02", 23) == "2026-01"


def test_months_between_includes_both_ends():
    assert months_between("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert months_between("2024-05", "2024-05") == ["2024-05"]
    assert months_between("2025-02", "2025-01") == []
