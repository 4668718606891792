from __future__ import annotations


import pytest

from supportlens.config import DEFAULT_CONFIG, Config, default_config_text, load_config
from supportlens.errors import SupportlensError
from support import ROOT, run_cli


def test_repository_config_is_the_defaults():
    assert load_config(ROOT / "supportlens.yml") == Config()


def test_the_package_ships_the_repository_config_byte_for_byte():
    assert DEFAULT_CONFIG.name == "supportlens.yml"
    assert default_config_text() == (ROOT / "supportlens.yml").read_text(encoding="utf-8")
    assert "tickets: data/sample/tickets.csv" in default_config_text()   # the documented file, comments and all


def test_no_config_file_means_the_shipped_defaults():
    assert load_config(None) == Config()


def test_init_writes_the_documented_defaults_once(tmp_path):
    written = run_cli("init", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert (tmp_path / "supportlens.yml").read_text(encoding="utf-8") == default_config_text()
    (tmp_path / "supportlens.yml").write_text("period:\n  length: all\n")
    again = run_cli("init", cwd=tmp_path)
    assert again.returncode == 1 and "already exists" in again.stderr
    assert (tmp_path / "supportlens.yml").read_text() == "period:\n  length: all\n"   # left alone


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
