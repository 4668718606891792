"""The simulator that writes the embedded sample data and its ground truth (truth.json)."""

from .simulator import simulate, simulate_tickets, write_sample, write_simulated
from .spec import SLA_TARGET_HOURS, SampleData, SimulationSpec

__all__ = ["SimulationSpec", "SampleData", "simulate", "simulate_tickets", "write_sample", "write_simulated", "SLA_TARGET_HOURS"]
