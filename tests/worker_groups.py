"""One worker per shared fixture: under ``make test`` (pytest-xdist, ``-n auto --dist loadgroup``) the tests that
share a costly fixture (a session- or module-scoped fixture of tests/: a whole build, a simulated organisation, a
browser) run on one worker, so it is made once per run, not once per worker; every other test goes to whichever
worker is free.

The tests are joined into groups, connected by any such fixture they use, and each group is marked
``xdist_group``. pytest-xdist's own loadgroup reads that mark by rewriting node ids, which pytest 9.2's structured
node ids no longer allow (pytest-dev/pytest-xdist#1386); so the workers also write the groups to a file the
controller's scheduler reads (``pytest_xdist_make_scheduler``). Run without xdist, or with ``-n 0``, none of this
does anything.
"""

from __future__ import annotations

import inspect
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

TESTS = str(Path(__file__).resolve().parent)
GROUPS_FILE = "SUPPORTLENS_TEST_GROUPS"   # environment variable: the file the workers write the groups to


def _loadgroup(config) -> bool:
    # a worker sees --dist loadgroup as option.loadgroup (xdist.remote.setup_config), the controller as option.dist
    return bool(getattr(config.option, "loadgroup", False)) or getattr(config.option, "dist", "no") == "loadgroup"


def shared_fixtures(item: pytest.Item) -> set[str]:
    """The session- and module-scoped fixtures of tests/ the test uses, each named by its instance: a module-scoped
    one with its module, a parametrized one with its parameter (``example_site`` builds once per example)."""
    info = getattr(item, "_fixtureinfo", None)
    found = set()
    for name, defs in (info.name2fixturedefs.items() if info is not None else ()):
        fixture = defs[-1]
        if fixture.scope == "function":
            continue
        try:
            if not inspect.getfile(fixture.func).startswith(TESTS):
                continue   # pytest's own (tmp_path_factory, ...): cheap, and every worker has its own anyway
        except TypeError:
            continue
        key = name if fixture.scope in ("session", "package") else f"{item.nodeid.split('::')[0]}::{name}"
        params = getattr(getattr(item, "callspec", None), "params", {})
        if name in params:
            key += f"({params[name]})"
        found.add(key)
    return found


def groups(items: list[pytest.Item]) -> dict[str, str]:
    """Node id -> group, for the tests that share a fixture of tests/ with another (connected components)."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    used = {item.nodeid: sorted(shared_fixtures(item)) for item in items}
    for keys in used.values():
        for key in keys[1:]:
            parent[root(key)] = root(keys[0])
    # xdist takes a group from after the last "@" of a node id, and only where no "]" follows it
    return {nodeid: root(keys[0]).replace("[", "(").replace("]", ")").replace("@", "_")
            for nodeid, keys in used.items() if keys}


def pytest_configure(config):
    """The controller names the file its workers (started after this, inheriting the environment) write to."""
    if _loadgroup(config) and not hasattr(config, "workerinput") and GROUPS_FILE not in os.environ:
        os.environ[GROUPS_FILE] = str(Path(tempfile.mkdtemp(prefix="supportlens-test-groups-")) / "groups.json")


def pytest_unconfigure(config):
    if _loadgroup(config) and not hasattr(config, "workerinput") and os.environ.get(GROUPS_FILE, "").endswith("groups.json"):
        shutil.rmtree(Path(os.environ.pop(GROUPS_FILE)).parent, ignore_errors=True)


@pytest.hookimpl(tryfirst=True)   # before xdist's own hook reads the marks
def pytest_collection_modifyitems(config, items):
    if not _loadgroup(config):
        return
    found = groups(items)
    for item in items:
        if item.nodeid in found:
            item.add_marker(pytest.mark.xdist_group(found[item.nodeid]))
    marked = {}
    for item in items:   # the groups xdist would form: every xdist_group mark, ours and any a test sets itself
        names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in item.iter_markers("xdist_group")})
        if names:
            marked[item.nodeid] = "_".join(names)
    path = os.environ.get(GROUPS_FILE)
    if hasattr(config, "workerinput") and path:
        partial = Path(f"{path}.{config.workerinput['workerid']}")
        partial.write_text(json.dumps(marked))
        os.replace(partial, path)   # every worker collects the same tests and writes the same groups


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadgroup`` with the groups the workers wrote (xdist's own, from the node ids, as a fallback)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class SharedFixtureScheduling(LoadGroupScheduling):
        _groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self._groups is None:   # first asked once every worker has collected (and written the file)
                path = Path(os.environ.get(GROUPS_FILE, "/nonexistent"))
                self._groups = json.loads(path.read_text()) if path.exists() else {}
            return self._groups.get(nodeid) or super()._split_scope(nodeid)

    return SharedFixtureScheduling(config, log)
