"""The collector while WeasyPrint lays out a PDF (render/pdf.py: _fewer_collections): less often, the objects from
before left alone, and everything as it was afterwards, whatever happens inside."""

from __future__ import annotations

import gc
import weakref

import pytest

from supportlens.render.pdf import _PDF_GC_THRESHOLD, _fewer_collections


class Node:
    def __init__(self) -> None:
        self.other = self   # a reference cycle: only the collector frees it


def test_thresholds_and_frozen_objects_restored_even_when_the_layout_fails():
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    with pytest.raises(RuntimeError):
        with _fewer_collections():
            assert gc.get_threshold()[0] == max(before[0], _PDF_GC_THRESHOLD)
            assert gc.get_threshold()[1:] == before[1:]
            assert gc.get_freeze_count() > frozen
            raise RuntimeError("layout failed")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen


def test_garbage_made_during_the_layout_is_still_collected_and_older_garbage_after_it():
    old = Node()
    old_ref = weakref.ref(old)
    del old                       # garbage from before: frozen, so left alone inside
    with _fewer_collections():
        new = Node()
        new_ref = weakref.ref(new)
        del new
        gc.collect()
        assert new_ref() is None
        assert old_ref() is not None
    gc.collect()
    assert old_ref() is None
