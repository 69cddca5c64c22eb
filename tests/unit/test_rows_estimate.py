"""rows_estimate: what the linter takes a live table's size to be."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lockgate.dialects.postgres import max_rows_per_page, rows_estimate

PER_PAGE = max_rows_per_page(8192)
counts = st.integers(min_value=0, max_value=10**9)


def test_an_8k_page_holds_at_most_291_rows() -> None:
    assert PER_PAGE == 291


@given(reltuples=st.integers(min_value=-1, max_value=10**9), relpages=counts)
def test_no_page_on_disk_is_no_row(reltuples: int, relpages: int) -> None:
    assert rows_estimate(reltuples, relpages, 0, PER_PAGE) == 0


@given(pages_now=st.integers(min_value=1, max_value=10**6), relpages=counts)
def test_without_statistics_it_is_the_most_the_pages_can_hold(pages_now: int, relpages: int) -> None:
    # Never analysed: whatever is there, the estimate is not below it.
    assert rows_estimate(-1, relpages, pages_now, PER_PAGE) == pages_now * PER_PAGE


@given(reltuples=st.integers(min_value=0, max_value=10**7), relpages=st.integers(min_value=1, max_value=10**5),
       pages_now=st.integers(min_value=1, max_value=10**5))
def test_with_statistics_their_density_scales_to_todays_size(reltuples: int, relpages: int, pages_now: int) -> None:
    got = rows_estimate(reltuples, relpages, pages_now, PER_PAGE)
    assert got == round(reltuples / relpages * pages_now)
    assert rows_estimate(reltuples, relpages, pages_now + 1, PER_PAGE) is not None


@given(reltuples=st.integers(min_value=-1, max_value=10**9), relpages=counts)
def test_an_unmeasured_table_keeps_its_statistics(reltuples: int, relpages: int) -> None:
    assert rows_estimate(reltuples, relpages, None, PER_PAGE) == (reltuples if reltuples >= 0 else None)
