"""A label keeps the acronyms its export writes (issue 14, 9): 'SW bulk scheduled' is not 'Sw bulk scheduled'."""

from __future__ import annotations

import pandas as pd

from supportlens.formatting import fmt_segment
from supportlens.ingest.normalise import normalise_category


def labels(values, column="category", words=None):
    return normalise_category(pd.Series(values, dtype="object"), table="tickets", column=column, words=words or {},
                              quality=[]).tolist()


def test_acronyms_are_kept_and_spellings_that_differ_in_case_stay_merged():
    out = labels(["SW bulk scheduled", "sw bulk scheduled", "SW bulk scheduled", "API", "Login Access", "L2 support"])
    assert out == ["SW_bulk_scheduled"] * 3 + ["API", "login_access", "L2_support"]
    assert [fmt_segment(x, "category") for x in out[2:]] == ["SW bulk scheduled", "API", "Login access", "L2 support"]


def test_a_label_written_all_in_capitals_keeps_only_its_short_tokens():
    assert labels(["SOFTWARE UPDATE", "VIP DESK", "PROD542"]) == ["software_update", "VIP_desk", "prod542"]


def test_a_word_the_vocabulary_knows_stays_its_canonical_word():
    assert labels(["WEB", "Email", "SMS desk"], column="channel", words={"web": "web", "email": "email"}) \
        == ["web", "email", "SMS_desk"]


def test_the_spelling_variant_example_shows_the_label_as_the_report_writes_it():
    quality = []
    normalise_category(pd.Series(["SW bulk scheduled", "sw bulk scheduled", "SW-bulk-scheduled"], dtype="object"),
                       table="tickets", column="category", words={}, quality=quality)
    (issue,) = quality
    assert issue.example == "SW bulk scheduled / SW-bulk-scheduled / sw bulk scheduled → SW bulk scheduled"
    assert "_" not in issue.example                                  # never the internal label SW_bulk_scheduled
