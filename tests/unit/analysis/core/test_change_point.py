"""Step changes in weekly series (issue 14, 10): located with ruptures, tested over a trend with Newey-West
errors and Bonferroni over the candidate weeks, reported only when material."""

from __future__ import annotations

import numpy as np
import pytest

from supportlens.analysis.core.change_point import MATERIAL_VOLUME, rate_step, volume_step

WEEKS = [f"w{i:02d}" for i in range(40)]


def test_a_step_in_volume_is_found_at_its_week_with_its_size():
    rng = np.random.default_rng(1)
    created = np.r_[rng.poisson(40, 20), rng.poisson(10, 20)]
    step = volume_step(WEEKS, created.tolist(), 0.05)
    assert step.week == "w20" and (step.weeks_before, step.weeks_after) == (20, 20)
    assert step.before == pytest.approx(created[:20].mean()) and step.after == pytest.approx(created[20:].mean())
    assert step.per_year == pytest.approx((created[20:].mean() - created[:20].mean()) * 365.25 / 7)
    assert step.significant and step.material


def test_a_steady_trend_is_not_a_step():
    rng = np.random.default_rng(2)
    created = rng.poisson(np.linspace(20, 40, 40))
    step = volume_step(WEEKS, created.tolist(), 0.05)
    assert not step.significant


@pytest.mark.parametrize("seed", range(10))
def test_noise_alone_is_no_finding(seed):
    created = np.random.default_rng(seed).poisson(30, 40)
    step = volume_step(WEEKS, created.tolist(), 0.05)
    assert not (step.significant and step.material)


def test_a_small_but_real_step_is_not_material():
    rng = np.random.default_rng(3)
    created = np.r_[rng.poisson(1000, 20), rng.poisson(1100, 20)]       # +10%: significant, below 30%
    step = volume_step(WEEKS, created.tolist(), 0.05)
    assert step.significant and abs(step.relative_change) < MATERIAL_VOLUME and not step.material


def test_a_step_in_the_breach_rate():
    completed = [20] * 40
    breached = [6, 7] * 10 + [17, 18] * 10          # 32.5% -> 87.5% from week 20
    step = rate_step(WEEKS, breached, completed, 0.05)
    assert step.week == "w20"
    assert (step.before, step.after) == pytest.approx((130 / 400, 350 / 400))
    assert step.per_year == pytest.approx((350 - 130) / 400 * 20 * 365.25 / 7)
    assert step.significant and step.material


def test_too_short_a_series_has_no_break():
    assert volume_step(WEEKS[:15], [10] * 15, 0.05) is None
