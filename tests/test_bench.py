"""`make bench` keeps working as models and pages change: its seed fills every table it seeds
(a model's new required field without a default stops it, and this test says which), and
every page it measures answers 200 to the person it is measured as, at a tiny size."""

import pytest

from bench import load, pages, seed

WRK_OUTPUT = """\
Running 4s test @ http://127.0.0.1:8000/bench/bare/
  2 threads and 8 connections
  Latency Distribution
     50%  812.00us
     75%    1.20ms
     90%    2.31ms
     99%    1.05s
  4321 requests in 4.00s, 1.02MB read
  Non-2xx or 3xx responses: 3
  Socket errors: connect 0, read 1, write 0, timeout 2
Requests/sec:   1080.25
"""


def test_wrk_output_is_read_in_milliseconds_with_every_error_counted():
    measured = load.parse(WRK_OUTPUT, connections=8)

    assert measured.requests_per_second == 1080.25
    assert measured.p50_ms == 0.812
    assert measured.p99_ms == 1050.0
    assert measured.requests == 4321
    assert measured.errors == 6


def test_a_run_with_no_finished_request_has_no_latency():
    measured = load.parse("  0 requests in 4.00s, 0B read\nRequests/sec:      0.00\n", 50)

    assert measured.requests_per_second == 0
    assert measured.p99_ms != measured.p99_ms  # NaN: never below a target


@pytest.mark.urls("bench.urls")
@pytest.mark.django_db
def test_the_bench_seeds_a_practice_and_every_page_answers(settings):
    settings.REQUIRE_MFA = True  # as in production: the seed gives therapists and staff one
    size = seed.Size().scaled(0.002)

    cast = seed.seed(size, say=lambda text: None)

    sizes = seed.table_sizes()
    assert sizes["client accounts"] == size.accounts + 1  # and the demo's client
    assert sizes["intakes"] == size.intakes
    assert sizes["answers"] > 20 * size.intakes
    assert sizes["appointments"] > size.past_appointments
    assert sizes["messages"] >= size.messages
    visitors = pages.Visitors(cast)
    for page in pages.PAGES:
        # Raises PageError, naming the page, unless it answers 200 to its person.
        assert pages.count_queries(pages.visit(page, visitors)) >= 0

    seed.grow(size, cast, say=lambda text: None)

    grown = seed.table_sizes()
    assert grown["client accounts"] == size.large_clients + 1
    assert grown["messages"] >= size.large_messages
