"""What every question stands on: the reporting period, the SLA clocks (calendar and business
time), daily volume and backlog, missing-data handling and the shared statistics."""
