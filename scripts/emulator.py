"""moto's server with requests applied one at a time.

moto applies a TransactWriteItems item by item and, on a failed condition,
restores a deep copy of the table taken before it started. Under its
threaded server two racing transactions interleave, so two sign-ups with
one username can both leave a user behind, or a rollback can undo another
request's write. DynamoDB's transactions are atomic; serialising requests
makes the emulator faithful to that, which the race tests rely on. Requests
are short, so the lock costs little.

The same rollback also replaced the table's stream shard with a copy, so
a stream reader's iterator (which holds the live shard) stopped seeing any
later write, and every transaction deep-copied the whole stream:
`keep_stream_on_rollback` keeps the live shard (shared, not copied) and
drops only the failed transaction's records, as DynamoDB (which never
streams a cancelled transaction) behaves. The notifier's local poller
relies on it.

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


# Records a shard keeps (DynamoDB keeps 24 hours of them): moto keeps every
# record for ever, and a transaction deep-copies the table with its stream,
# so an unbounded stream costs memory and time with every write.
STREAM_RECORDS_KEPT = 1000


def trim_streams():
    from moto.dynamodb.models.table import StreamShard

    original = StreamShard.add

    def add(self, old, new):
        original(self, old, new)
        excess = len(self.items) - STREAM_RECORDS_KEPT
        if excess > 0:
            # Sequence numbers stay as they were: they count from the start.
            del self.items[:excess]
            self.starting_sequence_number += excess

    StreamShard.add = add


def keep_stream_on_rollback():
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import StreamShard

    # The table copy a transaction takes for its rollback shares the live
    # shard instead of copying every record: cheaper, and stream readers'
    # iterators (which hold the live shard) keep seeing later writes.
    StreamShard.__deepcopy__ = lambda self, memo: self
    original = DynamoDBBackend.transact_write_items

    def transact_write_items(self, transact_items):
        # Each shard, and the sequence number its next record gets.
        ends = {
            name: table.stream_shard.starting_sequence_number + len(table.stream_shard.items)
            for name, table in self.tables.items()
            if getattr(table, "stream_shard", None) is not None
        }
        try:
            return original(self, transact_items)
        except Exception:
            # Rolled back: DynamoDB never streams a cancelled transaction.
            for name, end in ends.items():
                table = self.tables.get(name)
                shard = getattr(table, "stream_shard", None)
                if shard is not None:
                    del shard.items[max(end - shard.starting_sequence_number, 0):]
                    shard.table = table
            raise

    DynamoDBBackend.transact_write_items = transact_write_items


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
    keep_stream_on_rollback()
    trim_streams()
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
