import gc

import pytest

from transform.scoring.estimate import Estimate, collector_paused, quick


def test_a_quick_estimate_is_an_ordinary_equal_estimate():
    made = quick(41.5, 30.0, 52.25, 12, None)
    assert made == Estimate(41.5, 30.0, 52.25, 12)
    assert repr(made) == repr(Estimate(41.5, 30.0, 52.25, 12))
    assert hash(made) == hash(Estimate(41.5, 30.0, 52.25, 12))
    assert quick(None, None, None, 0, "no responses") == Estimate.missing("no responses")
    with pytest.raises(AttributeError):
        made.value = 1.0


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_comes_back_as_it_was(enabled):
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.raises(RuntimeError), collector_paused():
            assert not gc.isenabled()
            raise RuntimeError
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
