"""The build's garbage-collector setting (build.fewer_collections): set for the build, put back after it."""

import gc

import pytest

from supportlens.build import fewer_collections


def test_the_young_generation_is_collected_less_often_during_the_build_and_as_before_after_it():
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        with fewer_collections(10_000):
            assert gc.get_threshold() == (10_000, 10, 10)
        assert gc.get_threshold() == (700, 10, 10)
        with pytest.raises(RuntimeError), fewer_collections(10_000):
            raise RuntimeError("a failed build")
        assert gc.get_threshold() == (700, 10, 10)
        gc.set_threshold(50_000, 5, 5)             # a caller's own higher setting is kept
        with fewer_collections(10_000):
            assert gc.get_threshold() == (50_000, 5, 5)
    finally:
        gc.set_threshold(*before)

