"""Consistency checks of the canonical tickets table; every fix is logged, nothing is dropped silently."""

from __future__ import annotations

import pandas as pd

from ..dataset import QualityIssue


def check_tickets(tickets: pd.DataFrame, quality: list[QualityIssue]) -> pd.DataFrame:
    """Repair what can be repaired and log it; drop only rows that cannot be analysed (and log them)."""
    tickets = tickets.copy()

    no_created = tickets["created_at"].isna()
    if no_created.any():
        quality.append(QualityIssue("tickets", "MISSING_VALUES", "created_at", int(no_created.sum()),
                                    "dropped: a ticket without a creation time cannot be placed in time",
                                    str(tickets.loc[no_created, "ticket_id"].iloc[0])))
        tickets = tickets[~no_created]

    duplicated = tickets["ticket_id"].duplicated(keep="last")
    if duplicated.any():
        quality.append(QualityIssue("tickets", "DUPLICATE_ID", "ticket_id", int(duplicated.sum()),
                                    "kept the last row of each id", str(tickets.loc[duplicated, "ticket_id"].iloc[0])))
        tickets = tickets[~duplicated]

    for column in ("first_response_at", "first_solved_at", "solved_at", "closed_at"):
        if column not in tickets:
            continue
        before = tickets[column] < tickets["created_at"]
        if before.any():
            quality.append(QualityIssue("tickets", "BEFORE_CREATED", column, int(before.sum()),
                                        "kept as missing", str(tickets.loc[before, "ticket_id"].iloc[0])))
            tickets.loc[before, column] = pd.NaT

    if "status" in tickets:
        unknown = tickets["status"].isna()
        if unknown.any():
            solved = "solved_at" in tickets
            tickets.loc[unknown, "status"] = (tickets.loc[unknown, "solved_at"].notna().map({True: "solved", False: "open"})
                                              if solved else "open")
            quality.append(QualityIssue("tickets", "UNKNOWN_STATUS", "status", int(unknown.sum()),
                                        "inferred from solved_at (solved if set, else open)", None))
        if "solved_at" in tickets:
            solved_no_time = tickets["status"].isin(["solved", "closed"]) & tickets["solved_at"].isna()
            if solved_no_time.any() and "closed_at" in tickets:
                fill = solved_no_time & tickets["closed_at"].notna()
                tickets.loc[fill, "solved_at"] = tickets.loc[fill, "closed_at"]
                if fill.any():
                    quality.append(QualityIssue("tickets", "MISSING_VALUES", "solved_at", int(fill.sum()),
                                                "taken from closed_at", None))
                solved_no_time &= ~fill
            if solved_no_time.any():
                quality.append(QualityIssue("tickets", "MISSING_VALUES", "solved_at", int(solved_no_time.sum()),
                                            "solved without a solve time: excluded from resolution times", None))

    if "csat" in tickets:
        out_of_range = tickets["csat"].notna() & ~tickets["csat"].between(1, 5)
        if out_of_range.any():
            quality.append(QualityIssue("tickets", "OUT_OF_RANGE", "csat", int(out_of_range.sum()),
                                        "kept as missing (expected 1-5)", str(tickets.loc[out_of_range, "csat"].iloc[0])))
            tickets.loc[out_of_range, "csat"] = float("nan")

    if "escalated" not in tickets and "tier_max" in tickets:
        tickets["escalated"] = (tickets["tier_max"].fillna(1) > 1).astype("boolean")
    return tickets.reset_index(drop=True)
