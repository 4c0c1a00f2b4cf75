"""A webhook receiver for the tests: verifies every delivery with the
Standard Webhooks reference library (PyPI `standardwebhooks`), fails the
first FAIL attempts of each webhook-id with a 503, then accepts.

Usage: webhooks-receiver.py PORT_FILE FAIL. It listens on a free loopback
port and writes it to PORT_FILE. The test tells it the secrets to verify
with (`POST /secrets {"secrets": [...]}`: every delivery must verify with
each of them) and reads what it saw (`GET /seen`): per delivery attempt
the webhook-id, the event type, whether it verified, and the status it
answered.
"""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

FAIL = int(sys.argv[2])
lock = threading.Lock()
secrets: list[str] = []
seen: list[dict] = []
attempts: dict[str, int] = {}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        with lock:
            self.answer(200, seen)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        global secrets
        if self.path == "/secrets":
            with lock:
                secrets = json.loads(body)["secrets"]
            return self.answer(200, {})
        headers = {k.lower(): v for k, v in self.headers.items()}
        verified = bool(secrets)
        event = None
        for secret in secrets:
            try:
                event = Webhook(secret).verify(body, headers)
            except WebhookVerificationError:
                verified = False
        msg_id = headers.get("webhook-id", "")
        with lock:
            attempts[msg_id] = attempts.get(msg_id, 0) + 1
            status = 503 if attempts[msg_id] <= FAIL else 204
            seen.append({
                "id": msg_id,
                "type": (event or {}).get("type"),
                "verified": verified,
                "status": status,
                "signatures": len(headers.get("webhook-signature", "").split()),
            })
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[1], "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
