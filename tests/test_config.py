import re
from pathlib import Path

import pytest

from kg.config import SPECS, Settings
from kg.errors import EnvironmentProblem, UsageError


def write_toml(project: Path, text: str) -> None:
    (project / "kg.toml").write_text(text, encoding="utf-8")


def test_defaults_apply_without_a_config_file(tmp_path):
    settings = Settings.load(tmp_path, env={})
    assert settings.port == 8000
    assert settings.store == tmp_path.resolve() / ".kg/store"


def test_precedence_flag_over_env_over_file_over_default(tmp_path):
    write_toml(tmp_path, '[server]\nport = 7001\nhost = "0.0.0.0"\n')
    assert Settings.load(tmp_path, env={}).port == 7001
    assert Settings.load(tmp_path, env={"KG_PORT": "7002"}).port == 7002
    flagged = Settings.load(tmp_path, env={"KG_PORT": "7002"}, overrides={"port": "7003"})
    assert flagged.port == 7003
    assert flagged.host == "0.0.0.0"  # untouched settings keep their file value


def test_project_comes_from_env_when_not_given(tmp_path):
    assert Settings.load(env={"KG_PROJECT": str(tmp_path)}).project == tmp_path.resolve()


@pytest.mark.parametrize(
    ("env", "overrides", "toml", "fragment"),
    [
        ({"KG_PORT": "abc"}, {}, "", "KG_PORT"),
        ({}, {"port": "70000"}, "", "--port"),
        ({}, {}, "[server]\nport = -1\n", "kg.toml [server] port"),
        ({}, {}, '[dataset]\nbase_iri = "https://x.org/no-slash"\n', "must end with '/'"),
        ({"KG_BASE_IRI": "ftp://x/"}, {}, "", "absolute http(s) IRI"),
        ({}, {}, "[server]\nprot = 1\n", "unknown setting [server] prot"),
        ({}, {}, "[server\n", "kg.toml"),
    ],
)
def test_bad_values_are_refused_naming_their_source(tmp_path, env, overrides, toml, fragment):
    write_toml(tmp_path, toml)
    with pytest.raises(UsageError) as caught:
        Settings.load(tmp_path, env=env, overrides=overrides)
    assert fragment in str(caught.value)


def test_missing_project_is_an_environment_problem(tmp_path):
    with pytest.raises(EnvironmentProblem, match="does not exist"):
        Settings.load(tmp_path / "nope", env={})


def test_every_setting_has_env_var_and_flag_names():
    for spec in SPECS:
        assert spec.env_var == "KG_" + spec.name.upper()
        assert spec.flag.startswith("--") and "_" not in spec.flag


def test_store_is_a_local_path_or_the_url_of_a_remote_query_endpoint(tmp_path):
    local = Settings.load(tmp_path, env={"KG_STORE": "builds/here"})
    assert local.store == tmp_path.resolve() / "builds/here"
    remote = Settings.load(tmp_path, env={"KG_STORE": "https://sparql.example.org/query"})
    assert remote.store == "https://sparql.example.org/query"


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"KG_STORE": "http://"}, "KG_STORE"),
        ({"KG_UPDATE": "localhost:7878/update"}, "http(s) URL"),
        ({"KG_AUTH": "ntlm"}, "basic, digest"),
        ({"KG_REMOTE_DATASET": "all"}, "published, server"),
    ],
)
def test_bad_remote_settings_are_refused(tmp_path, env, fragment):
    with pytest.raises(UsageError, match=re.escape(fragment)):
        Settings.load(tmp_path, env=env)


def test_the_password_is_not_printed_with_the_settings(tmp_path):
    assert "s3cret" not in repr(Settings.load(tmp_path, env={"KG_PASSWORD": "s3cret"}))
