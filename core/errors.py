"""Domain errors: a broken business rule, with a machine code and a human message.

Services raise them; the API maps them to one error shape (see core.api), pages show the
message. Messages are lazy translations: Indonesian by default, English per request."""

from typing import Any

from django.utils.functional import Promise


class DomainError(Exception):
    """A subclass names its code and HTTP status in its header, one line a rule:
    `class EmailTaken(DomainError, code="EMAIL_TAKEN", http_status=409): ...`."""

    code = "DOMAIN_ERROR"
    http_status = 409

    def __init_subclass__(
        cls, *, code: str | None = None, http_status: int | None = None, **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        if code is not None:
            cls.code = code
        if http_status is not None:
            cls.http_status = http_status

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}


class ValidationFailed(DomainError, code="VALIDATION_ERROR", http_status=400):
    """Bad input found by a service (shape was fine): answers 400 with field errors."""
