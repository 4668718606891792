"""The one error type a user sees: what is wrong, where, and how to fix it."""

from __future__ import annotations


class SupportlensError(Exception):
    """A problem with the user's input or environment, reported without a traceback.

    ``problem`` says what is wrong (naming the file, column or key), ``fix`` says
    what to do about it.
    """

    def __init__(self, problem: str, fix: str | None = None):
        self.problem = problem
        self.fix = fix
        super().__init__(problem if not fix else f"{problem}\n  fix: {fix}")
