"""The bookings report counts by Beijing date: a booking made at 02:00 on 1 October (Beijing time,
18:00 on 30 September UTC, as it is stored) belongs to October, not September."""

from __future__ import annotations

import datetime as dt

from core.clock import CHINA_TZ

from .helpers import PLUGINS, World

SEPTEMBER = """query { report(name: "courier_service.bookings", city: "320100", start: "2024-09-01",
  end: "2024-09-30") { rows { label values } } }"""
OCTOBER = SEPTEMBER.replace("2024-09-01", "2024-10-01").replace("2024-09-30", "2024-10-31")


def test_a_booking_is_counted_in_the_beijing_month_it_was_made(make_env):
    env = make_env(PLUGINS, now="2024-09-30")
    w = World(env)
    env.clock.set(dt.datetime(2024, 9, 30, 20, 0, tzinfo=CHINA_TZ))  # 12:00 UTC
    assert w.book(visit="2024-10-08")["errors"] == []
    env.clock.set(dt.datetime(2024, 10, 1, 2, 0, tzinfo=CHINA_TZ))  # 30 Sep 18:00 UTC
    assert w.book(visit="2024-10-08", who="li_account")["errors"] == []

    def booked(query: str) -> int:
        rows = env.data(query, as_="supervisor")["report"]["rows"]
        return sum(int(row["values"][0]) for row in rows)

    assert booked(SEPTEMBER) == 1
    assert booked(OCTOBER) == 1
