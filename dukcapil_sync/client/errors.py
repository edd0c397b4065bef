"""What can go wrong when asking the registry."""


class RegistryError(Exception):
    """Base class: the registry could not give an answer we can use."""


class RegistryUnavailable(RegistryError):
    """Network error, timeout or 5xx, still failing after the retries. Try again later."""


class RegistryCircuitOpen(RegistryUnavailable):
    """The circuit breaker is open: recent calls failed, so this one was not even tried."""


class RegistryRejected(RegistryError):
    """A 4xx answer (bad key, bad request): a bug or a configuration error, never retried."""

    def __init__(self, status: int, code: str, detail: str = "") -> None:
        super().__init__(f"registry answered {status} {code} {detail}".strip())
        self.status = status
        self.code = code


class RegistryProtocolError(RegistryError):
    """The answer was not the JSON we expect."""
