"""Concurrency tests run against an app on its own committed database."""

import pytest


@pytest.fixture(autouse=True)
def db():
    """These tests commit for real on their own database, not the rolled-back session."""
    yield None
