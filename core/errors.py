"""Domain errors: a broken business rule, with a machine code and a human message.

Services raise them; the API maps them to one error shape (see core.api), pages show the
message. Messages are lazy translations: Indonesian by default, English per request."""

from django.utils.functional import Promise


class DomainError(Exception):
    code = "DOMAIN_ERROR"
    http_status = 409

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


class ValidationFailed(DomainError):
    """Bad input found by a service (shape was fine): answers 400 with field errors."""

    code = "VALIDATION_ERROR"
    http_status = 400
