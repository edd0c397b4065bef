"""Root fixtures shared by every test module."""

import pytest

from core.factories import DEMO_PASSWORD


@pytest.fixture
def password() -> str:
    return DEMO_PASSWORD
