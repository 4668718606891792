from __future__ import annotations

from pathlib import Path

import pytest

from supportlens.config import Config, load_config
from supportlens.errors import SupportlensError
from support import ROOT



def test_repository_config_is_the_defaults():
    assert load_config(ROOT / "supportlens.yml") == Config()


def test_unknown_key_names_the_key(tmp_path):
    path = tmp_path / "supportlens.yml"
    path.write_text("sla:\n  presett: default\n")
    with pytest.raises(SupportlensError, match=r"unknown key 'sla.presett'"):
        load_config(path)


def test_wrong_type_names_the_key(tmp_path):
    path = tmp_path / "supportlens.yml"
    path.write_text("findings:\n  alpha: often\n")
    with pytest.raises(SupportlensError, match=r"'findings.alpha'"):
        load_config(path)


def test_unknown_mapping_column(tmp_path):
    path = tmp_path / "supportlens.yml"
    path.write_text("data:\n  mapping:\n    tickets: {opened: Created}\n")
    with pytest.raises(SupportlensError, match="unknown canonical column"):
        load_config(path)


def test_presets_and_overrides():
    config = Config.model_validate({"sla": {"preset": "seed002", "targets": {"critical": {"first_response": 0.5, "resolution": 2}}}})
    assert config.sla.target("high").resolution == 12
    assert config.sla.target("critical").resolution == 2
