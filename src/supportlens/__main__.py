"""``python -m supportlens``: the same command line as ``supportlens``."""

from .cli import app

app(prog_name="supportlens")
