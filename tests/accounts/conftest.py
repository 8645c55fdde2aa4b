import pytest
from axes.utils import reset


@pytest.fixture(autouse=True)
def _no_failed_sign_ins(db):
    """Every test starts with no failed sign-in counted by django-axes."""
    reset()
    yield
    reset()
