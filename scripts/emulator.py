"""moto's server with requests applied one at a time.

moto applies a TransactWriteItems item by item and, on a failed condition,
restores a deep copy of the table taken before it started. Under its
threaded server two racing transactions interleave, so two sign-ups with
one username can both leave a user behind, or a rollback can undo another
request's write. DynamoDB's transactions are atomic; serialising requests
makes the emulator faithful to that, which the race tests rely on. Requests
are short, so the lock costs little.

It also answers GET /_emulator/ses/messages?to=ADDRESS with the emails SES
accepted for that address (the tests read emailed codes there).
"""

import argparse
import json
import os
import threading
from urllib.parse import parse_qs

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple


SENT_MAIL_PATH = "/_emulator/ses/messages"


def sent_mail(to):
    """The emails SES accepted (optionally only those to `to`), oldest first.

    moto's /moto-api/data.json has them too, but serialises every table
    with them, which grows slow as a test run fills the emulator.
    """
    from moto.ses.models import ses_backends

    found = []
    for account in dict.values(ses_backends):
        for backend in dict.values(account):
            for m in getattr(backend, "sent_messages", []):
                destinations = getattr(m, "destinations", {}) or {}
                recipients = [a for kind in destinations.values() for a in kind]
                if to is None or any(to.lower() == r.lower() for r in recipients):
                    found.append({
                        "source": getattr(m, "source", None),
                        "to": recipients,
                        "subject": getattr(m, "subject", None),
                        "body": getattr(m, "body", None),
                    })
    return found


class Serialised:
    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            if environ.get("PATH_INFO") == SENT_MAIL_PATH:
                to = parse_qs(environ.get("QUERY_STRING", "")).get("to", [None])[0]
                body = json.dumps(sent_mail(to)).encode()
                start_response("200 OK", [("Content-Type", "application/json")])
                return [body]
            # Consume the body inside the lock: the work happens there.
            return list(self.app(environ, start_response))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    args = parser.parse_args()
    os.environ.setdefault("MOTO_PORT", str(args.port))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(
        args.host,
        args.port,
        Serialised(app),
        threaded=True,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
