"""Project-wide fixtures: personas and Chromium for the browser tests."""

import os
import shutil

import pytest

# The sync Playwright API runs an event loop in the test thread; Django's ORM
# would otherwise refuse to run there (live_server + page). It has to be set
# before Playwright starts, so at import time rather than in a fixture.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from cadre_portal.testing import make_personas, make_unit_contacts  # noqa: E402


@pytest.fixture(autouse=True)
def _code_tables_present(request):
    """Transactional tests (threads, live_server) end with a flush that also
    empties the code tables seeded by migration 0002; put them back for every
    test that touches the database."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(marker and marker.kwargs.get("transaction"))
    if not (marker or {"db", "transactional_db"} & set(request.fixturenames)):
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from cadre_portal.codes import seed_code_items
    from cadre_portal.models import CodeItem

    seed_code_items(CodeItem)
    from talents.codes import seed_talent_code_items

    seed_talent_code_items(CodeItem)
    from youth_cadres.retention.codes import seed_demand_categories

    seed_demand_categories(CodeItem)


@pytest.fixture
def personas(db):
    return make_personas()


@pytest.fixture
def tree(personas):
    return personas.tree


@pytest.fixture
def unit_contacts(personas):
    """Two units with a unit contact (单位干部联络员) each; see cadre_portal.testing."""
    return make_unit_contacts(personas.tree)


def _client_for(client_factory, user):
    client = client_factory()
    client.force_login(user)
    return client


@pytest.fixture
def login(db):
    """login(user) -> a Django test client logged in as that user."""
    from django.test import Client

    return lambda user: _client_for(Client, user)


# --- Browser tests (pytest-playwright with Debian's Chromium) ---------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: CI must install it (apt-get install chromium).")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1400, "height": 900}}
