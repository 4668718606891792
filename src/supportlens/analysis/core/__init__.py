"""What every question stands on: the reporting period, the SLA clocks (calendar and business
time), the breach rate (breach.py: breached ÷ completed, its per-group counts and monthly series),
daily volume and backlog, missing data and not enough history, and the shared statistics (one
bootstrap, one logistic regression, Wilson, Kaplan-Meier, the tests and corrections)."""
