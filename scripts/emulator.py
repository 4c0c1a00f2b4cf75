"""moto's server: one request at a time, cheap transactions, flat memory.

moto 5.2.5 (the pin in scripts/venv.sh) is patched at start-up; each patch
below is a function of this file, and tools/bench/scripts/emulator-check.py
checks the transaction semantics they must keep.

Requests one at a time (`Serialised`). moto applies a TransactWriteItems
item by item and rolls back a failed one itself. Under its threaded server
two racing transactions interleave, so two sign-ups with one username can
both leave a user behind, or a rollback can undo another request's write.
DynamoDB's transactions are atomic and isolated; serialising requests makes
the emulator faithful to that, which the race tests rely on. Requests are
short, so the lock costs little.

Transactions undo what they touched (`undo_touched_items`). moto deep-copied
every table a transaction names before applying it, to restore the copy on
failure: a one-item transaction cost in proportion to the table (65 ms at
1,000 items, 530 ms at 10,000, against 6 ms for a PutItem), and requests
queued behind it. Now the transaction keeps a copy of only the items it
names (or their absence) and, if it fails in any way, puts back exactly
those: 4-5 ms at either size (tools/bench/scripts/emulator-cost.py). What
a failure leaves (the items, the GSIs moto computes from them) and moto's
`TransactionCanceledException` with its per-item reasons are as before.
The stream stays the live one (a stream reader's iterator holds it) and
loses only the failed transaction's records, as DynamoDB never streams a
cancelled transaction; the notifier's local poller relies on it.

Streams keep their last 1,000 records (`trim_streams`; DynamoDB keeps 24
hours of them): moto kept every record for ever.

Memory stays flat under use. Measured with tracemalloc on a running
emulator, moto kept, for ever, something per request:
- `model_instances_weak`: every object of a moto model class (every item
  ever written, every item of every table copy a transaction took, every
  stream record and iterator, ...) is appended to its class's
  `instances_tracked` list, which only /moto-api/data.json reads. With the
  table copies this was the 18.5 GB of an hour of `make dev`; without them
  it still grows with every write. The lists now hold their objects weakly:
  data.json shows the live ones, oldest first.
- `stateless_shard_iterators`: each GetRecords stored a new iterator of
  about 1.7 KB in a dict (the notifier's poller makes 20 a second). The
  iterator's ARN now ends with the position it reads from, so nothing is
  stored and an iterator never expires (moto's never did).
- `no_empty_partitions`: a GetItem (or a transaction's condition) for an
  absent partition key left an empty partition in the table's defaultdict,
  which every Query and Scan then walks; a delete of a partition's last
  item did too. Neither does now.
- `cap_sent_mail`: SES keeps the last 10,000 messages it accepted (for the
  mailbox below and data.json), not all of them.
- `whole_simple_mail`: moto's SESv2 SendEmail kept only the subject and
  one body of a simple message (the HTML one when there are both); it now
  also keeps the text part, the extra headers (`Content.Simple.Headers`:
  List-Unsubscribe, ...) and the configuration set's name.

It also answers GET /_emulator/ses/messages?to=ADDRESS with the emails SES
accepted for that address (the tests read emailed codes there): `subject`,
`body` (the HTML part), `text`, `headers` ({name: value}) and
`configuration_set`.

Transaction conflicts, on request (`EMULATOR_TX_CONFLICT_MS`, off by
default; `transaction_conflicts`). Serialised, the emulator never sees two
transactions at once, so it never answers DynamoDB's TransactionConflict,
the cancellation a crowd of transactions on one item gets in the cloud. With
the variable set to W, an item a transaction wrote stays "in a transaction"
for W ms, as if its commit were still running: another transaction naming
it meanwhile is cancelled with `TransactionConflict` on that item and
written nothing. It is a model for load runs (tools/bench/scripts/
follow-burst.py, link-burst.py, docs/performance.md), not DynamoDB's timing; GET
/_emulator/conflicts counts the conflicts it answered.
"""

import argparse
import collections
import copy
import itertools
import json
import os
import threading
import types
import weakref
from urllib.parse import parse_qs

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple


SENT_MAIL_PATH = "/_emulator/ses/messages"
CONFLICTS_PATH = "/_emulator/conflicts"

# Conflicts answered (transaction_conflicts), and the window, for GET
# CONFLICTS_PATH.
CONFLICTS = {"transaction_conflicts": 0, "window_ms": 0}

# Records a shard keeps (DynamoDB keeps 24 hours of them).
STREAM_RECORDS_KEPT = 1000

# Messages SES keeps: far more than a test run reads back, and a bound.
SENT_MAIL_KEPT = 10_000


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


def undo_touched_items():
    from moto.dynamodb import models
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    original = DynamoDBBackend.transact_write_items
    # moto's module reaches `copy` for its rollback copy of each table and
    # for Update's copy of the old item; during a transaction only the
    # tables go uncopied (its rollback then restores the live table: a no-op).
    no_table_copies = types.SimpleNamespace(
        copy=copy.copy,
        deepcopy=lambda x, memo=None: x if isinstance(x, Table) else copy.deepcopy(x, memo),
    )

    def touched(backend, transact_items):
        """(table, hash key, range key) of every item the transaction names."""
        found = {}
        for entry in transact_items:
            for kind, op in entry.items():
                try:
                    table = backend.get_table(op["TableName"])
                    key = op["Item"] if kind == "Put" else op["Key"]
                    h = DynamoType(key[table.hash_key_attr])
                    r = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
                except Exception:
                    # moto cannot find this item either, so it writes nothing
                    # there: it cancels the transaction or rejects it.
                    continue
                found.setdefault((id(table), h, r), (table, h, r))
        return list(found.values())

    def read(table, h, r):
        # .get: the items are a defaultdict, and a lookup would add the key.
        if r is None:
            return table.items.get(h)
        return table.items.get(h, {}).get(r)

    def write(table, h, r, item):
        if r is None:
            if item is None:
                table.items.pop(h, None)
            else:
                table.items[h] = item
        elif item is not None:
            table.items[h][r] = item
        elif h in table.items:
            table.items[h].pop(r, None)
            if not table.items[h]:
                del table.items[h]

    def transact_write_items(self, transact_items):
        items = touched(self, transact_items)
        # A copy, not the item: an Update changes the item in place.
        undo = [(t, h, r, copy.deepcopy(read(t, h, r))) for t, h, r in items]
        # Each shard written to, and the sequence number its next record gets.
        shards = {id(s): (s, s.starting_sequence_number + len(s.items))
                  for s in (t.stream_shard for t, _, _ in items) if s is not None}
        models.copy = no_table_copies
        try:
            return original(self, transact_items)
        except Exception:
            # Any failure, moto's rollback or not: DynamoDB writes nothing.
            for table, h, r, item in undo:
                write(table, h, r, item)
            for shard, end in shards.values():
                del shard.items[max(end - shard.starting_sequence_number, 0):]
            raise
        finally:
            models.copy = copy

    DynamoDBBackend.transact_write_items = transact_write_items


def transaction_conflicts(window_ms):
    import time

    from moto.dynamodb.exceptions import TransactionCanceledException
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType

    original = DynamoDBBackend.transact_write_items
    busy = {}  # (table name, hash key, range key) -> monotonic end
    CONFLICTS["window_ms"] = window_ms

    def item_key(backend, kind, op):
        try:
            table = backend.get_table(op["TableName"])
            key = op["Item"] if kind == "Put" else op["Key"]
            h = DynamoType(key[table.hash_key_attr])
            r = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
            return (op["TableName"], h, r)
        except Exception:
            return None

    def transact_write_items(self, transact_items):
        now = time.monotonic()
        keys = [item_key(self, kind, op) for e in transact_items for kind, op in e.items()]
        conflicting = [k is not None and busy.get(k, 0) > now for k in keys]
        if any(conflicting):
            CONFLICTS["transaction_conflicts"] += 1
            raise TransactionCanceledException([
                ("TransactionConflict", "Transaction is ongoing for the item", None)
                if c else (None, None, None)
                for c in conflicting
            ])
        result = original(self, transact_items)
        end = time.monotonic() + window_ms / 1000
        for k in keys:
            if k is not None:
                busy[k] = end
        if len(busy) > 100_000:
            for k in [k for k, until in busy.items() if until <= now]:
                del busy[k]
        return result

    DynamoDBBackend.transact_write_items = transact_write_items


def model_instances_weak():
    from moto.core.common_models import BaseModel

    class Live:
        """A model class's `instances_tracked`: its live objects, oldest first."""

        def __init__(self, instances=()):
            self.refs = weakref.WeakValueDictionary()
            self.order = itertools.count()
            for instance in instances:
                self.append(instance)

        def append(self, instance):
            try:
                self.refs[next(self.order)] = instance
            except TypeError:
                pass  # a class without weak references: not listed

        def __iter__(self):
            return iter(list(self.refs.values()))

        def __len__(self):
            return len(self.refs)

    def new(cls, *args, **kwargs):
        instance = super(BaseModel, cls).__new__(cls)
        tracked = cls.__dict__.get("instances_tracked")
        # moto sets a list on each class when it is defined and on a reset.
        if not isinstance(tracked, Live):
            tracked = Live(tracked or ())
            cls.instances_tracked = tracked
        tracked.append(instance)
        return instance

    BaseModel.__new__ = staticmethod(new)


def stateless_shard_iterators():
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend, ShardIterator

    def stream_of(table):
        return f"{table.table_arn}/stream/{table.latest_stream_label}"

    # moto's ends with 632 random characters, the key of the stored iterator.
    ShardIterator.arn = property(
        lambda self: f"{stream_of(self.stream_shard.table)}|1|{self.sequence_number}"
    )

    class Positions:
        """The backend's iterators by ARN: made from the ARN, none stored."""

        def __init__(self, backend):
            self.backend = backend

        def __setitem__(self, arn, iterator):
            pass

        def __getitem__(self, arn):
            stream, _, position = arn.rpartition("|1|")
            try:
                table = self.backend._get_table_from_arn(stream)
                shard, sequence_number = table.stream_shard, int(position)
            except Exception:
                raise KeyError(arn) from None  # what moto's dict raised
            if shard is None or stream != stream_of(table):
                raise KeyError(arn)  # the table was made again since
            return ShardIterator(self.backend, shard, "AT_SEQUENCE_NUMBER", sequence_number)

    init = DynamoDBStreamsBackend.__init__

    def __init__(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.shard_iterators = Positions(self)

    DynamoDBStreamsBackend.__init__ = __init__


def no_empty_partitions():
    from moto.dynamodb.models.table import Table

    get_item, delete_item = Table.get_item, Table.delete_item

    def get(self, hash_key, range_key=None, projection_expression=None):
        # moto's self.items[hash_key][range_key] adds the absent hash key.
        if range_key and hash_key not in self.items:
            return None
        return get_item(self, hash_key, range_key, projection_expression)

    def delete(self, hash_key, range_key):
        item = delete_item(self, hash_key, range_key)
        if range_key and self.items.get(hash_key) == {}:
            del self.items[hash_key]
        return item

    Table.get_item, Table.delete_item = get, delete


def cap_sent_mail():
    from moto.ses.models import SESBackend

    init = SESBackend.__init__

    def __init__(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.sent_messages = collections.deque(self.sent_messages, maxlen=SENT_MAIL_KEPT)

    SESBackend.__init__ = __init__


def whole_simple_mail():
    from moto.ses.models import ses_backends
    from moto.sesv2.responses import SESV2Response

    send_email = SESV2Response.send_email

    def send(self):
        answer = send_email(self)
        params = json.loads(self.body)
        simple = (params.get("Content") or {}).get("Simple")
        if simple is None:
            return answer
        message_id = json.loads(answer)["MessageId"]
        extra = {
            "text": ((simple.get("Body") or {}).get("Text") or {}).get("Data"),
            "headers": {h["Name"]: h["Value"] for h in simple.get("Headers") or []},
            "configuration_set": params.get("ConfigurationSetName"),
        }
        for account in dict.values(ses_backends):
            for backend in dict.values(account):
                for m in reversed(getattr(backend, "sent_messages", [])):
                    if getattr(m, "id", None) == message_id:
                        m.__dict__.update(extra)
                        return answer
        return answer

    SESV2Response.send_email = send


def sent_mail(to):
    """The emails SES accepted (optionally only those to `to`), oldest first:
    the last SENT_MAIL_KEPT of them.

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
                        "text": getattr(m, "text", None),
                        "headers": getattr(m, "headers", {}),
                        "configuration_set": getattr(m, "configuration_set", None),
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
            if environ.get("PATH_INFO") == CONFLICTS_PATH:
                start_response("200 OK", [("Content-Type", "application/json")])
                return [json.dumps(CONFLICTS).encode()]
            # Consume the body inside the lock: the work happens there.
            return list(self.app(environ, start_response))


def patch_moto():
    """Every patch above; before the first request, which makes the backends."""
    model_instances_weak()
    undo_touched_items()
    trim_streams()
    stateless_shard_iterators()
    no_empty_partitions()
    cap_sent_mail()
    whole_simple_mail()
    window_ms = float(os.environ.get("EMULATOR_TX_CONFLICT_MS") or 0)
    if window_ms > 0:
        transaction_conflicts(window_ms)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    args = parser.parse_args()
    os.environ.setdefault("MOTO_PORT", str(args.port))
    patch_moto()
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
