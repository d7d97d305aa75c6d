"""Trajectory's 0008 revision keeps the one-per-family list's rows, each with its parent."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from apps.bootstrap import store_schemas
from pace.store.migrate import current, downgrade, run, upgrade

pytestmark = [pytest.mark.timeout(120)]
SCHEMA = store_schemas()["trajectory"]
ROW = ("'fam-1'", "'traj-fam-1'", "'coach-7'", "'2020-03-02'", "'ongoing'", "1", "2")


def rows(url: str, query: str) -> list[tuple[object, ...]]:
    return run(url, lambda connection: [tuple(r) for r in connection.execute(text(query))])


def test_the_list_of_a_database_before_parents_moves_over_with_the_first_parent(database_url):
    upgrade(database_url, SCHEMA)
    downgrade(database_url, SCHEMA, "0004_trajectory")
    run(database_url, lambda connection: [connection.exec_driver_sql(sql) for sql in (
        "INSERT INTO trajectory_parents (family_id, parent_id) VALUES ('fam-1', 'par-1')",
        "INSERT INTO trajectory_list (family_id, trajectory_id, coach_id, started_on, status, "
        f"trainings, jobs) VALUES ({', '.join(ROW)})")])

    upgrade(database_url, SCHEMA)

    assert set(current(database_url)) == {"0012_trajectory_follow_ups", "0013_stream_positions"}
    assert rows(database_url, "SELECT trajectory_id, family_id, parent_id, coach_id, status, "
                              "trainings, jobs FROM trajectory_parent_list") == [
        ("traj-fam-1", "fam-1", "par-1", "coach-7", "ongoing", 1, 2)]

    downgrade(database_url, SCHEMA, "0004_trajectory")

    assert rows(database_url, "SELECT family_id, trajectory_id, coach_id, trainings, jobs "
                              "FROM trajectory_list") == [("fam-1", "traj-fam-1", "coach-7", 1, 2)]
