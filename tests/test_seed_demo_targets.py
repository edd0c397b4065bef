"""seed_demo and the registry commands say which registry they changed, refuse to act on a
copy the portal does not read, and seed_demo refuses a production database unless told."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.models import User
from dukcapil_sync.registry.models import Person

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_a_production_database_and_creates_nothing(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=0: this looks like production"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.filter(username="admin").exists()


def test_seed_demo_on_the_embedded_default_names_the_embedded_registry(settings):
    settings.DEBUG = settings.REGISTRY_EMBEDDED = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "registry embedded in this portal (database " in out.getvalue()
    assert Person.objects.get(nik="3174010101800001").name == "BUDI SANTOSO"


def test_seed_demo_with_a_registry_service_and_no_control_key_refuses_and_rolls_back(settings):
    settings.REGISTRY_EMBEDDED = False
    settings.DEBUG = True
    settings.DUKCAPIL_CONTROL_KEY = ""
    settings.DUKCAPIL_URL = "http://127.0.0.1:9/registry/api/v1"
    with pytest.raises(CommandError, match="set REGISTRY_CONTROL_KEY on it"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.filter(username="admin").exists()
    assert not Person.objects.exists()  # the portal's unused copy was not touched either


def test_registry_commands_refuse_the_portals_copy_when_a_service_is_used(settings):
    settings.REGISTRY_EMBEDDED = False
    with pytest.raises(CommandError, match="REGISTRY_EMBEDDED=0"):
        call_command("registry_faults", "--outage", stdout=StringIO())


def test_registry_commands_name_the_registry_they_changed(settings):
    settings.REGISTRY_EMBEDDED = True
    out = StringIO()
    call_command("registry_faults", "--latency-ms", "10", stdout=out)
    assert out.getvalue().startswith("embedded registry (portal database ")
