"""One parameter table (search_api/params.py) and one facet table (search_api/facets.py) drive the
HTTP parser, the OpenAPI document, the CLI's options and the page's facet menus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from search_api.cli.main import app as cli
from search_api.facets import FACETS
from search_api.http.app import create_app
from search_api.params import SEARCH_PARAMS

STATIC = Path(__file__).resolve().parent.parent / "search_api" / "http" / "static"


@pytest.fixture(scope="module")
def client(seed_index: Path) -> TestClient:
    return TestClient(create_app(seed_index))


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"COLUMNS": "200", "NO_COLOR": "1"})
    return result.exit_code, result.output


def test_the_cli_has_an_option_for_every_search_parameter() -> None:
    code, output = _cli("search", "--help")
    assert code == 0
    flags = set(re.findall(r"--[a-z][a-z-]*", output))
    expected = {"--limit" if p.name == "per_page" else f"--{p.name.replace('_', '-')}" for p in SEARCH_PARAMS}
    assert expected - {"--q"} <= flags


@pytest.mark.parametrize(
    ("query", "args"),
    [
        ("session=0", ("--session", "0")),
        ("sort=oldest", ("--sort", "oldest")),
        ("facets=nonsense", ("--facets", "nonsense")),
        ("per_page=500", ("--limit", "500")),
        ("year_from=1900", ("--year-from", "1900")),
        ("kind=memo", ("--kind", "memo")),
    ],
)
def test_a_bad_value_gets_the_same_message_from_the_cli_and_the_service(
    client: TestClient, seed_index: Path, query: str, args: tuple[str, ...]
) -> None:
    response = client.get(f"/search?{query}")
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    code, output = _cli("search", "x", *args, "--index", str(seed_index))
    assert code == 1
    assert " ".join(message.split()) in " ".join(output.split())


def test_the_cli_takes_the_lang_of_facet_labels(seed_index: Path) -> None:
    code, output = _cli("search", "维持和平", "--lang", "en", "--index", str(seed_index))
    assert code == 0 and "Session:" in output and "届会" not in output
    code, output = _cli("search", "维持和平", "--index", str(seed_index))
    assert code == 0 and "届会:" in output


def test_schema_describes_the_facet_table(client: TestClient) -> None:
    body = client.get("/schema").json()
    assert [f["name"] for f in body["facets"]] == [f.name for f in FACETS]
    by_name = {f["name"]: f for f in body["facets"]}
    assert by_name["type"]["clause_only"] and by_name["verb"]["clause_only"] and not by_name["sponsor"]["clause_only"]
    assert by_name["sponsor"]["label"] == {"zh": "提案国", "en": "Sponsor"}
    assert [p["name"] for p in body["search_parameters"]] == [p.name for p in SEARCH_PARAMS]
    assert client.get("/schema?x=1").status_code == 400
    assert "/schema" in client.get("/openapi.json").json()["paths"]


def test_the_page_keeps_no_facet_list_of_its_own() -> None:
    script = (STATIC / "app.js").read_text(encoding="utf-8")
    assert 'getJSON("schema")' in script
    names = {facet.name for facet in FACETS}
    # No list of facet names and no table of their labels: both come from /schema.
    for literal in re.findall(r"\[([^\[\]]*)\]", script):
        assert len(names & set(re.findall(r'"([a-z_]+)"', literal))) < 3, literal
    assert not re.search(r"\{\s*session:[^}]*agenda:[^}]*sponsor:", script)
