"""The heartbeat: silent for short steps, ticking and timed for long ones, and each step's
seconds recorded even when it prints nothing."""

from __future__ import annotations

import time

from loaders.heartbeat import Heartbeat, heartbeat


def test_short_step_prints_nothing(capsys):
    with heartbeat("graph: planning the load", every=5.0):
        time.sleep(0.01)
    assert capsys.readouterr().err == ""


def test_long_step_ticks_then_says_its_duration(capsys):
    with heartbeat("graph: planning the load", every=0.05):
        time.sleep(0.3)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("kglink: graph: planning the load ... ")
    assert lines[-1].startswith("kglink: graph: planning the load done in 0.")
    assert all(line.startswith("kglink: graph: planning the load ") for line in lines)


def test_steps_are_timed_and_quiet_steps_do_not_tick(capsys):
    with Heartbeat("graph import", every=0.05, report=True) as beat:
        beat.step("csv")
        beat.step("neo4j-admin import", ticks=False)
        time.sleep(0.2)
        beat.step("schema")
    assert list(beat.seconds) == ["csv", "neo4j-admin import", "schema"]
    assert beat.seconds["neo4j-admin import"] >= 0.2
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(" done in ")[0] for line in lines] == [
        "kglink: graph import: csv", "kglink: graph import: neo4j-admin import",
        "kglink: graph import: schema"]


def test_disabled_heartbeat_prints_nothing_but_times(capsys):
    with Heartbeat("link person", enabled=False, every=0.01) as beat:
        beat.step("prepare")
        time.sleep(0.05)
    assert capsys.readouterr().err == ""
    assert beat.seconds["prepare"] >= 0.05
