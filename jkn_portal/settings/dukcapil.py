"""The mock Dukcapil registry (embedded or its own service) and the sync's client and runs."""

from dukcapil_sync.registry.installation import installation_secret

from ..env import env_bool, env_float, env_int, env_list, env_str
from .base import DEBUG, VAR_DIR

# --- Mock Dukcapil registry -------------------------------------------------------------------
# Embedded default: served by this process under /registry/. In production its own service.
# Serve the mock registry from this process (the embedded default); off in production.
REGISTRY_EMBEDDED = env_bool("REGISTRY_EMBEDDED", DEBUG)
# Empty with the embedded registry: this server's own address, whatever host and port it is
# served on (dukcapil_sync.client.registry_url).
DUKCAPIL_URL = env_str("DUKCAPIL_URL", "")
# Never a constant in the source: configured, or (embedded) random per installation in var/.
DUKCAPIL_API_KEY = env_str("DUKCAPIL_API_KEY") or (
    installation_secret(VAR_DIR, "registry-api-key") if REGISTRY_EMBEDDED else ""
)
DUKCAPIL_TIMEOUT_SECONDS = env_float("DUKCAPIL_TIMEOUT_SECONDS", 5, minimum=0)
# The registry's own knobs (used only by the registry service).
REGISTRY_API_KEYS = env_list("REGISTRY_API_KEYS", DUKCAPIL_API_KEY)
REGISTRY_LATENCY_MS = env_int("REGISTRY_LATENCY_MS", 0, minimum=0)
REGISTRY_ERROR_RATE = env_float("REGISTRY_ERROR_RATE", 0, minimum=0)
REGISTRY_BATCH_LIMIT = env_int("REGISTRY_BATCH_LIMIT", 500, minimum=1)
# Demos and tests only: enables the registry's POST .../_control (seed, events, faults).
REGISTRY_CONTROL_KEY = env_str("REGISTRY_CONTROL_KEY", "")
# Demos only: the key this portal sends to a registry *service's* control endpoint, so that
# `seed_demo` seeds the registry the sync reads (over HTTP) when it is not embedded.
DUKCAPIL_CONTROL_KEY = env_str("DUKCAPIL_CONTROL_KEY", "")

# --- Dukcapil sync (dukcapil_sync; DESIGN.md 4.8) ---------------------------------------------
# Client (dukcapil_sync/client/): timeout on every call, retries with exponential backoff and
# jitter on network errors and 5xx only, a circuit breaker per registry URL and process.
DUKCAPIL_CONNECT_TIMEOUT_SECONDS = env_float("DUKCAPIL_CONNECT_TIMEOUT_SECONDS", 3, minimum=0)
DUKCAPIL_RETRIES = env_int("DUKCAPIL_RETRIES", 4, minimum=0)
DUKCAPIL_BACKOFF_SECONDS = env_float("DUKCAPIL_BACKOFF_SECONDS", 0.5, minimum=0)
DUKCAPIL_BACKOFF_MAX_SECONDS = env_float("DUKCAPIL_BACKOFF_MAX_SECONDS", 10, minimum=0)
DUKCAPIL_BREAKER_FAIL_MAX = env_int("DUKCAPIL_BREAKER_FAIL_MAX", 5, minimum=1)
DUKCAPIL_BREAKER_RESET_SECONDS = env_float("DUKCAPIL_BREAKER_RESET_SECONDS", 60, minimum=0)
# NIKs / KKs per batch request; at most the registry's REGISTRY_BATCH_LIMIT.
DUKCAPIL_BATCH_SIZE = env_int("DUKCAPIL_BATCH_SIZE", 500, minimum=1)
# A participant pressing "Sinkronkan data keluarga" waits for the answer: fewer retries.
DUKCAPIL_INTERACTIVE_TIMEOUT_SECONDS = env_float(
    "DUKCAPIL_INTERACTIVE_TIMEOUT_SECONDS", 3, minimum=0
)
DUKCAPIL_INTERACTIVE_RETRIES = env_int("DUKCAPIL_INTERACTIVE_RETRIES", 1, minimum=0)
# Full sync: participants per chunk (whole families), seconds before a claimed chunk whose
# worker went silent may be claimed again, attempts before a chunk is given up. The claim is
# renewed every third of the lease while the chunk is worked on, so the lease only bounds how
# long a dead worker's chunk waits (plus at most a minute for the watchdog).
DUKCAPIL_SYNC_CHUNK_SIZE = env_int("DUKCAPIL_SYNC_CHUNK_SIZE", 1000, minimum=1)
DUKCAPIL_SYNC_LEASE_SECONDS = env_int("DUKCAPIL_SYNC_LEASE_SECONDS", 60, minimum=1)
DUKCAPIL_SYNC_MAX_ATTEMPTS = env_int("DUKCAPIL_SYNC_MAX_ATTEMPTS", 3, minimum=1)
# Differences applied without staff (with an audit record); the rest go to the staff queue.
# NAME_CASE: letter case only; NAME_SPACING: spaces only. Empty: everything goes to staff.
DUKCAPIL_SAFE_DIFFERENCES = frozenset(
    env_list("DUKCAPIL_SAFE_DIFFERENCES", "NAME_CASE,NAME_SPACING")
)
# "Sinkronkan data keluarga" (page and POST /api/v1/me/family/sync/), per family.
DUKCAPIL_FAMILY_SYNC_RATE = env_str("DUKCAPIL_FAMILY_SYNC_RATE", "5/hour")
