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


# UTF-8 text is read by Arrow's CSV reader; what it gives must be exactly what pandas' parser gives
# (dtype=str, its default missing-value words), which stays the reference and the fallback.
ARROW_CASES = {
    "quoted delimiters and line breaks": 'ticket_id,subject,status\nT1,"Refund, please",open\nT2,"two\nlines",solved\n',
    "missing-value words": "ticket_id,csat,status\nT1,NA,open\nT2,,solved\nT3,null,\nT4,\"\",new\nT5,n/a,None\n",
    "windows line ends and a blank line": "ticket_id,status\r\nT1,open\r\n\r\nT2,solved\r\n",
    "repeated column names": "ticket_id,Variant,Variant,status\nT1,a,b,open\n",
    "semicolons": "ticket_id;status;note\nT1;open;a, b\n",
    "spaces kept": "ticket_id,status\n T1 , open \n",
    "accents": "ticket_id,category\nT1,café\nT2,Überweisung\n",
}


@pytest.mark.parametrize("name", list(ARROW_CASES))
@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8])
def test_arrow_reads_utf8_text_as_pandas_does(tmp_path, name, bom):
    import io

    import pandas as pd

    from supportlens.ingest.readers import _read_utf8_text, read_table

    text = ARROW_CASES[name]
    path = tmp_path / "tickets.csv"
    path.write_bytes(bom + text.encode("utf-8"))
    assert _read_utf8_text(path, ".csv", None, None) is not None      # the Arrow path was taken
    sep = ";" if name == "semicolons" else ","
    expected = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=True, index_col=False)
    frame = read_table(path, "tickets")
    pd.testing.assert_frame_equal(frame, expected, check_exact=True)
    assert frame.attrs["read_as"] == ("UTF-8 (with byte-order mark)" if bom else "UTF-8") + (
        ", semicolon-separated" if sep == ";" else ", comma-separated")


@pytest.mark.parametrize("data", [
    "ticket_id,status\nT1,open,extra\n".encode(),            # a row longer than the header: pandas' error
    "ticket_id,status\nT1,caf\xe9\n".encode("cp1252"),       # not UTF-8: decoded as Windows-1252 by pandas
    "ticket_id,,status\nT1,x,open\n".encode(),                # a blank column name: pandas names it
])
def test_what_arrow_would_read_otherwise_is_left_to_pandas(tmp_path, data):
    from supportlens.ingest.readers import _read_utf8_text

    path = tmp_path / "tickets.csv"
    path.write_bytes(data)
    assert _read_utf8_text(path, ".csv", None, None) is None
