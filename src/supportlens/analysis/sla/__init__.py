"""Are we meeting our SLAs: headline KPIs, breach rates by priority and hour, the explorer's cube."""
