"""One SparkSession (local[2]) for the whole test session: the engine's ``spark_session``
reuses it."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    from linking.spark.session import spark_session

    session = spark_session("local[2]", tmp_path_factory.mktemp("spark"))
    yield session
    session.stop()
