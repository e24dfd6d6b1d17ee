"""Releases and their RDF Patches: a mirror that holds one release's N-Quads and applies
the patches that follow, in order, holds the last release's statements line for line."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.config import Settings
from kg.release.dumps import releases_directory
from kg.release.history import History, apply_patch
from tests.release.test_incremental_release import (
    add,
    change_entities,
    edit_label,
    release,
    rename,
    two_stories,
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return two_stories(tmp_path, monkeypatch)


def dumped_quads(root: Path) -> list[bytes]:
    dist = Settings.load(root, env={}).dist
    return gzip.decompress((dist / "dataset.nq.gz").read_bytes()).splitlines(keepends=True)


def test_patches_replayed_from_the_first_release_give_the_last(project: Path, tmp_path: Path):
    first = dumped_quads(project)
    kept_first = tmp_path / "first.nq"
    kept_first.write_bytes(b"".join(first))
    for change in (edit_label, add, rename, change_entities):
        change(project)
        release(project)
    release(project)  # nothing changed: no new release
    history = History(releases_directory(Settings.load(project, env={})))
    assert [r.number for r in history.releases] == [1, 2, 3, 4, 5]
    assert history.releases[0].patch is None  # the first release has nothing before it
    assert all(r.patch for r in history.releases[1:])
    assert [r.previous for r in history.releases[1:]] == [r.version for r in history.releases[:-1]]

    mirror = first
    for record in history.releases[1:]:
        patch = history.patch_path(record).read_bytes()
        assert patch.startswith(f"H id <urn:kg:release:{record.version}> .\n".encode())
        assert f"H prev <urn:kg:release:{record.previous}> .\nTX .\n".encode() in patch
        assert patch.endswith(b"TC .\n")
        for line in patch.splitlines()[3:-1]:  # every A/D line is N-Quads after its tag
            assert line[:2] in (b"A ", b"D ")
            assert list(ox.parse(line[2:] + b"\n", format=ox.RdfFormat.N_QUADS))
        mirror = list(apply_patch(mirror, patch))
    assert mirror == dumped_quads(project)  # line for line

    store = ox.Store()  # and a fresh store loaded from them holds the same statements
    store.load(b"".join(mirror), format=ox.RdfFormat.N_QUADS)
    assert len(store) == len(mirror)


def test_a_release_says_which_graphs_it_added_changed_and_removed(project: Path):
    edit_label(project)
    release(project)
    add(project)
    release(project)
    shutil.rmtree(project / "data/articles/third-story")
    release(project)
    edited, added, removed = History(releases_directory(Settings.load(project, env={}))
                                     ).releases[1:]  # fmt: skip
    story = "https://kg.example.org/id/article/"
    assert (edited.changed, edited.added, edited.removed) == ([f"{story}second-story"], [], [])
    assert added.added == [f"{story}third-story"] and not added.changed
    assert removed.removed == [f"{story}third-story"]
    assert removed.quads_removed == added.quads_added


def test_releases_are_published_with_their_own_checksums(project: Path):
    edit_label(project)
    release(project)
    dist = Settings.load(project, env={}).dist.resolve()
    listed = (dist / "releases/SHA256SUMS").read_text(encoding="utf-8").splitlines()
    names = sorted(line.split("  ", 1)[1] for line in listed)
    assert names[-1] == "releases.json" and names[0].endswith(".rdfp")
    import hashlib

    for line in listed:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((dist / "releases" / name).read_bytes()).hexdigest() == digest
    assert "releases/" not in (dist / "SHA256SUMS").read_text(encoding="utf-8")


def test_a_lost_parts_cache_makes_a_release_without_a_patch(project: Path):
    edit_label(project)
    shutil.rmtree(Settings.load(project, env={}).store.with_name("store.parts"))
    release(project)
    last = History(releases_directory(Settings.load(project, env={}))).last
    assert last.number == 2 and last.patch is None  # the previous lines are not known
