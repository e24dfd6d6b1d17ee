"""Parts made in worker processes are the parts made in place, byte for byte and in
the same order: a full dump on every core writes the same files as on one."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from kg import namespaces
from kg.release.part_workers import made_parts
from kg.store.builds import DATABASE_DIR, local_store
from kg.store.embedded import EmbeddedStore
from tests.projects import dumped_project


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    settings = dumped_project(tmp_path_factory.mktemp("parts") / "project")
    return EmbeddedStore(local_store(settings))


def test_parts_made_by_workers_equal_the_parts_made_in_place(built: EmbeddedStore):
    store, info = built.oxigraph, built.info
    names = namespaces.prefixes("https://mini.example.org/")
    jobs = [(g.value, None) for g in sorted(store.named_graphs(), key=lambda g: g.value)]
    assert len(jobs) > 2
    database = Path(info.path) / DATABASE_DIR
    here = list(made_parts(store, database, jobs, names, names["kgid"], workers=1))
    making = made_parts(store, database, jobs, names, names["kgid"], workers=2, parallel_from=1)
    there = [next(making)]
    assert multiprocessing.active_children()  # made in a worker, not here
    there += list(making)
    assert [m.graph for m in there] == [graph for graph, _ in jobs]
    assert there == here
