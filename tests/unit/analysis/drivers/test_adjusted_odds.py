import math
import warnings

import numpy as np

from supportlens.analysis.drivers.adjusted import _odds
from supportlens.analysis.core.stats import Z95


def test_odds_ratio_and_interval_from_a_log_odds_contrast():
    ratio, low, high = _odds(math.log(2.0), 0.5)
    assert math.isclose(ratio, 2.0)
    assert math.isclose(low, 2.0 * math.exp(-Z95 * 0.5))
    assert math.isclose(high, 2.0 * math.exp(Z95 * 0.5))


def test_a_bound_past_the_largest_float_is_infinite_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ratio, low, high = _odds(30.0, 400.0)   # a separated segment: the standard error runs off
    assert math.isclose(ratio, math.exp(30.0))
    assert low == 0.0 and high == np.inf
