"""The build's garbage-collector settings (build.fewer_collections, build.older_objects_left_alone): set for the
build or its PDFs, put back after them."""

import gc
import weakref

import pytest

from supportlens.build import fewer_collections, older_objects_left_alone


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



class Node:
    def __init__(self) -> None:
        self.other = self   # a reference cycle: only the collector frees it


def test_objects_from_before_the_pdfs_are_left_alone_and_handed_back_even_when_the_layout_fails():
    frozen = gc.get_freeze_count()
    with pytest.raises(RuntimeError), older_objects_left_alone():
        assert gc.get_freeze_count() > frozen
        raise RuntimeError("layout failed")
    assert gc.get_freeze_count() == frozen


def test_garbage_made_while_the_pdfs_are_written_is_still_collected_and_older_garbage_after():
    old = Node()
    old_ref = weakref.ref(old)
    del old                       # garbage from before: frozen, so left alone inside
    with older_objects_left_alone():
        new = Node()
        new_ref = weakref.ref(new)
        del new
        gc.collect()
        assert new_ref() is None
        assert old_ref() is not None
    gc.collect()
    assert old_ref() is None
