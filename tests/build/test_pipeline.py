"""Build atomicity: a failed or killed build never touches the store being served."""

import os
import signal
import subprocess
import time

from kg.build.pipeline import build
from kg.store.builds import builds_dir
from tests.conftest import KG
from tests.projects import add_articles


def labels(store) -> list[str]:
    results = store.query(
        "SELECT ?l WHERE { ?a a <https://mini.example.org/ontology/Article> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?l"
    )
    return [row["l"].value for row in results]


def test_killed_build_leaves_the_previous_store_served(mini_project, mini_store, mini_settings):
    link = mini_settings.store
    served = link.resolve()
    before = labels(mini_store)
    add_articles(mini_project, 400)

    process = subprocess.Popen([*KG, "build"], cwd=mini_project, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until the new build directory exists
        if len(list(builds_dir(link).iterdir())) > 1:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the build never started writing")
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    assert link.resolve() == served
    assert labels(mini_store) == before
    incomplete = [p for p in builds_dir(link).iterdir() if p.resolve() != served]
    assert incomplete and not (incomplete[0] / ".complete").exists()

    result = build(mini_settings, progress=False)  # the next build cleans up and succeeds
    assert result.articles == 401
    assert len(labels(mini_store)) == 401  # the open store follows the link to the new build
    remaining = {p.resolve() for p in builds_dir(link).iterdir()}
    assert remaining == {link.resolve(), served}


def test_rebuild_keeps_one_previous_generation(mini_settings, mini_store):
    for _ in range(3):
        build(mini_settings, progress=False)
    assert len(list(builds_dir(mini_settings.store).iterdir())) == 2


def test_same_input_gives_same_version(mini_settings, mini_store):
    first = mini_store.info.version
    build(mini_settings, progress=False)
    assert mini_store.info.version == first
