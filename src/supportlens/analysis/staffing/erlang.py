"""Erlang C (M/M/N queue): probability of waiting, service level and agents required.

A small implementation instead of a dependency (pyworkforce pulls in OR-Tools):
the probability of waiting comes from the Erlang B recursion, which stays
stable for hundreds of agents, and C = N·B / (N − A·(1 − B)) for N > A.
Tested against published worked examples in tests/unit/analysis/staffing/test_erlang.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def erlang_b(traffic: float, agents: int) -> float:
    """Blocking probability of A erlangs offered to N servers (Erlang B, iterative)."""
    if agents <= 0:
        return 1.0
    b = 1.0
    for k in range(1, agents + 1):
        b = traffic * b / (k + traffic * b)
    return b


def erlang_c(traffic: float, agents: int) -> float:
    """Probability that an arrival waits (Erlang C); 1.0 when the queue is unstable (N <= A)."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    b = erlang_b(traffic, agents)
    return agents * b / (agents - traffic * (1.0 - b))


def service_level(traffic: float, agents: int, handle_minutes: float, answer_within_minutes: float) -> float:
    """Share (0-1) of arrivals answered within the target: 1 − C·exp(−(N − A)·t / AHT)."""
    if traffic <= 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    return 1.0 - erlang_c(traffic, agents) * math.exp(-(agents - traffic) * answer_within_minutes / handle_minutes)


def average_wait_minutes(traffic: float, agents: int, handle_minutes: float) -> float:
    """Average speed of answer: C·AHT / (N − A), in minutes; inf when unstable."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return math.inf
    return erlang_c(traffic, agents) * handle_minutes / (agents - traffic)


@dataclass(frozen=True)
class Requirement:
    """Agents one interval needs. ``traffic`` in erlangs; shares 0-1."""

    traffic: float
    agents: int               # productive agents (on the queue) Erlang C asks for
    scheduled: int            # rostered agents: agents / (1 − shrinkage), rounded up
    service_level: float      # achieved with ``agents``
    occupancy: float          # traffic / agents
    waiting_probability: float


def required_agents(arrivals_per_hour: float, handle_minutes: float, answer_within_minutes: float,
                    target_service_level: float, max_occupancy: float, shrinkage: float) -> Requirement:
    """Fewest agents that answer ``target_service_level`` of arrivals within the target time
    without passing ``max_occupancy``; then grossed up for shrinkage (rostered heads)."""
    traffic = arrivals_per_hour * handle_minutes / 60.0
    if traffic <= 0:
        return Requirement(0.0, 0, 0, 1.0, 0.0, 0.0)
    agents = max(1, math.floor(traffic) + 1)
    while (service_level(traffic, agents, handle_minutes, answer_within_minutes) < target_service_level
           or traffic / agents > max_occupancy):
        agents += 1
    scheduled = math.ceil(agents / (1.0 - shrinkage) - 1e-9)
    return Requirement(traffic, agents, scheduled,
                       service_level(traffic, agents, handle_minutes, answer_within_minutes),
                       traffic / agents, erlang_c(traffic, agents))
