from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from tests.pg import Cluster

# Fixtures that make a fresh store per call are safe to share across a test's examples.
_QUIET = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=_QUIET)
settings.register_profile("dev", max_examples=30, deadline=None, suppress_health_check=_QUIET)
# a longer search, by hand: HYPOTHESIS_PROFILE=deep
settings.register_profile("deep", max_examples=1000, deadline=None, suppress_health_check=_QUIET)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

STORES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    """A private PostgreSQL server for the whole run (see tests/pg.py)."""
    cluster = Cluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=STORES)
def store_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind


@pytest.fixture
def new_address(store_kind: str, tmp_path: Path,
                request: pytest.FixtureRequest) -> Callable[[], str]:
    """Addresses of fresh, empty instances of the parametrised store kind."""
    made = iter(range(10**6))

    def make() -> str:
        if store_kind == "sqlite":
            return f"sqlite:///{tmp_path / f'store{next(made)}.db'}"
        cluster: Cluster = request.getfixturevalue("postgres")
        return cluster.fresh()

    return make


@pytest.fixture
def new_store(new_address: Callable[[], str]) -> Iterator[Callable[[], Any]]:
    """Fresh, empty instances of the parametrised store kind. Only the newest few stay open
    (a property test makes hundreds), all are closed at the end."""
    from plansync.instance.address import open_instance

    opened: list[Any] = []

    def make() -> Any:
        opened.append(open_instance(new_address(), create=True))
        if len(opened) > 4:
            opened.pop(0).close()
        return opened[-1]

    yield make
    for store in opened:
        store.close()
