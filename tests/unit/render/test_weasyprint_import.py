"""WeasyPrint imported without ctypes' library search (render/pdf.py ``_weasyprint``) loads the very library files
the usual import loads, and starts no process to find them."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import re, resource, sys
if sys.argv[1] == "fast":
    from supportlens.render.pdf import _weasyprint
    _weasyprint()
else:
    import weasyprint
libraries = sorted({line.split()[-1] for line in open("/proc/self/maps")
                    if re.search(r"(pango|harfbuzz|fontconfig|gobject|glib|cairo|gdk)", line)})
children = resource.getrusage(resource.RUSAGE_CHILDREN)
print(repr((libraries, children.ru_utime + children.ru_stime > 0)))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the library search is skipped on Linux only")
def test_weasyprint_loads_the_same_libraries_without_searching_for_them():
    import ast

    usual, _ = ast.literal_eval(subprocess.run([sys.executable, "-c", PROBE, "usual"], capture_output=True,
                                                      text=True, check=True).stdout)
    fast, fast_searched = ast.literal_eval(subprocess.run([sys.executable, "-c", PROBE, "fast"], capture_output=True,
                                                          text=True, check=True).stdout)
    assert usual and fast == usual
    assert not fast_searched   # (the usual import runs ldconfig, gcc and ld for most of them)
