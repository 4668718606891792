"""Small hand-made ticket tables in the shape ``analysis.sla.ticket_clocks`` returns."""

from __future__ import annotations

import numpy as np
import pandas as pd

from supportlens.analysis.drivers.frame import Window

T0 = pd.Timestamp("2026-02-02T09:00:00Z")   # a Monday


def clocks(groups: list[dict], spread_minutes: int = 7) -> pd.DataFrame:
    """Each group: n tickets sharing attributes; 'breached' of them breach the resolution SLA.

    Keys: n, breached, and any ticket column (channel, priority, ...); optional
    resolution_hours (solved after), open (still open), first_response_minutes, csat.
    """
    rows = []
    k = 0
    for g in groups:
        attrs = {key: value for key, value in g.items()
                 if key not in ("n", "breached", "resolution_hours", "open", "first_response_minutes", "csat")}
        for i in range(g["n"]):
            is_open = i < g.get("open", 0)
            hours = g.get("resolution_hours", 10.0)
            hours = hours[i % len(hours)] if isinstance(hours, list) else hours
            state = "breached" if i < g.get("breached", 0) else "achieved"
            rows.append({
                "ticket_id": f"T{k}", "created_at": T0 + pd.Timedelta(minutes=spread_minutes * k),
                "priority": "normal", "status": "open" if is_open else "solved",
                "resolution_state": ("active_breached" if state == "breached" else "active") if is_open else state,
                "first_response_state": "achieved",
                "first_response_minutes": float(g.get("first_response_minutes", 30.0)),
                "resolution_minutes": np.nan if is_open else hours * 60.0,
                "open_minutes": hours * 60.0 if is_open else np.nan,
                "csat": float(g["csat"]) if "csat" in g else np.nan,
                **attrs,
            })
            k += 1
    return pd.DataFrame(rows)


def window_of(frame: pd.DataFrame) -> Window:
    return Window("test window", "all", frame["created_at"].min(), frame["created_at"].max())
