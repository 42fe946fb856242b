"""The Spark driver's memory comes from KGLINK_SPARK_DRIVER_MEMORY (the 3M-record run needs
more than the 2g default: the driver collects the links and their evidence)."""

from __future__ import annotations

import pytest

from linking.spark.session import driver_memory


def test_driver_memory_defaults_to_2g(monkeypatch):
    monkeypatch.delenv("KGLINK_SPARK_DRIVER_MEMORY", raising=False)
    assert driver_memory() == "2g"


@pytest.mark.parametrize("value", ["8g", "8192m", "6G"])
def test_driver_memory_from_the_environment(monkeypatch, value):
    monkeypatch.setenv("KGLINK_SPARK_DRIVER_MEMORY", value)
    assert driver_memory() == value


@pytest.mark.parametrize("value", ["lots", "8 gb", "0g"])
def test_a_bad_driver_memory_is_one_clear_error(monkeypatch, value):
    monkeypatch.setenv("KGLINK_SPARK_DRIVER_MEMORY", value)
    with pytest.raises(ValueError, match=f"^KGLINK_SPARK_DRIVER_MEMORY: '{value}' is not a "
                                         "JVM memory size such as 4g or 8192m$"):
        driver_memory()
