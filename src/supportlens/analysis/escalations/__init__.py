"""Which tickets escalate and where they stall: the event log read as a process (stages, roles,
handoffs, paths, customer silence), a proactive-update estimate and the before/after of a change."""
