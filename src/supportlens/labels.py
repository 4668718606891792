"""Labels that name nothing a reader knows: the one rule, read by the analysis (a finding naming one never headlines
the summary) and by the formatting (such a label is written as what it is: 'Value 3' in the category dimension reads
'category 3'). This module imports nothing of supportlens, so every layer may read it."""

from __future__ import annotations

import re

# An anonymised code ('Value 5', 'value_5', 'Group 12', 'prod542') or a bare number; its number is the last group.
_CODED = re.compile(r"^(?:value|group|grp|cat|category|team|queue|prod|product|type|class|segment|code)[ _-]?(\d+)$"
                    r"|^([+-]?\d+(?:[.,]\d+)?)$", re.IGNORECASE)


def is_coded(label: str | None) -> bool:
    """'value_5', 'Value 5', 'prod542', '34' -> True; 'login_access', 'SW bulk scheduled', '18:00' -> False."""
    return label is not None and bool(_CODED.match(str(label).strip()))


def code_number(label: str | None) -> str | None:
    """The number a coded label carries ('Value 5' -> '5', '34' -> '34'); None for a label that is not coded."""
    match = _CODED.match(str(label).strip()) if label is not None else None
    return (match.group(1) or match.group(2)) if match else None
