"""The scoring core is pure: its tests build no app, open no database, run no migration.

The suite's autouse fixtures (`db`, `clock_put_back`) would build the app for every test
below tests/; here they are replaced by ones that need nothing, so these tests run in
milliseconds and cannot lean on the database by accident.
"""

import pytest


@pytest.fixture(autouse=True)
def db():
    """No database: the scoring core takes data frames, not sessions."""
    yield None


@pytest.fixture(autouse=True)
def clock_put_back():
    """No clock to put back: the scoring core is given its dates."""
    yield
