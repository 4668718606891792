"""The encoding and delimiter of a text export, detected from its bytes and header line."""

from __future__ import annotations

import codecs

import pytest

from supportlens.ingest.readers import detect_delimiter, detect_encoding

TEXT = "ticket_id,category\nT1,café\n"


@pytest.mark.parametrize("data, encoding", [
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("utf-16"), "utf-16"),                    # with its byte-order mark
    (TEXT.encode("utf-16-le"), "utf-16-le"),              # without one: every other byte zero
    (TEXT.encode("latin-1"), "cp1252"),                   # é is the same byte in both
    ("€ refund".encode("cp1252"), "cp1252"),
    (b"caf\xe9 \x81", "latin-1"),                         # 0x81 is undefined in cp1252
])
def test_encoding(data, encoding):
    assert detect_encoding(data) == encoding


@pytest.mark.parametrize("header, default, delimiter", [
    ("ticket_id,created_at,status", ",", ","),
    ("ticket_id;created_at;status", ",", ";"),
    ("ticket_id\tcreated_at\tstatus", ",", "\t"),
    ("ticket_id|created_at|status", ",", "|"),
    ('"id;x",created_at,status', ",", ","),              # a quoted semicolon does not count
    ("ticket_id", "\t", "\t"),                            # one column: the suffix's default
    ("a,b;c", ",", ","),                                  # a tie keeps the default
])
def test_delimiter(header, default, delimiter):
    assert detect_delimiter(header + "\nrow\n", default) == delimiter
