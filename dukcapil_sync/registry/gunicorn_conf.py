"""gunicorn settings for the mock registry as its own service (`make registry`).

Environment: HOST (default 127.0.0.1), REGISTRY_PORT (8100), REGISTRY_WORKERS (2). The access
log names each call with the portal's request id (X-Request-ID) and shows NIK and KK numbers
masked, as the portal's own log does.
"""

import os
import re

from gunicorn.glogging import Logger

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('REGISTRY_PORT', '8100')}"
workers = int(os.environ.get("REGISTRY_WORKERS", "2"))
timeout = 60
accesslog = "-"
errorlog = "-"
access_log_format = (
    'registry %(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}i)s'
)

_LONG_NUMBER = re.compile(r"\d{10,}")


def _mask(match: re.Match[str]) -> str:
    number = match.group()
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


class MaskingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = _LONG_NUMBER.sub(_mask, atoms["U"])
        return atoms


logger_class = MaskingLogger
