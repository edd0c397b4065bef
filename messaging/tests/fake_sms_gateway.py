"""A fake SMS provider, run as its own process by the tests (never imports portal code).

POST /send {to, text, reference} -> 200 {"id": ...}; GET /_received -> every request seen.
Behaviour per run: --fail-first N answers the first N sends with --fail-status (default 503);
--delay S sleeps S seconds before answering (to test our timeouts); --reject answers 400.
It prints "PORT <n>" once listening."""

import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

received: list[dict] = []
lock = threading.Lock()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--fail-status", type=int, default=503)
    parser.add_argument("--delay", type=float, default=0)
    parser.add_argument("--reject", action="store_true")
    parser.add_argument("--api-key", default="fake-key")
    args = parser.parse_args()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a: object) -> None:
            pass

        def _json(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            with lock:
                self._json(200, received)

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            with lock:
                received.append(
                    {
                        "body": body,
                        "idempotency_key": self.headers.get("Idempotency-Key"),
                        "authorization": self.headers.get("Authorization"),
                    }
                )
                count = len(received)
            if args.delay:
                time.sleep(args.delay)
            if self.headers.get("Authorization") != f"Bearer {args.api_key}":
                self._json(401, {"error": "bad key"})
            elif count <= args.fail_first:
                self._json(args.fail_status, {"error": "try later"})
            elif args.reject:
                self._json(400, {"error": "invalid number"})
            else:
                self._json(200, {"id": f"fake-{count}"})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
