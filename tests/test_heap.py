"""The app's start-up objects are frozen out of full collections once per process."""

import gc
import weakref

from transform.heap import freeze_startup_objects


def test_building_the_app_freezes_the_start_up_objects_once(app):
    frozen = gc.get_freeze_count()
    assert frozen > 100_000

    freeze_startup_objects()

    assert gc.get_freeze_count() == frozen


def test_a_cycle_made_after_start_up_is_still_collected(app):
    class Node:
        pass

    node = Node()
    node.itself = node
    alive = weakref.ref(node)
    del node

    freeze_startup_objects()
    gc.collect()

    assert alive() is None
