"""Checks that the emulator's transactions stay atomic (scripts/emulator.py).

A cancelled TransactWriteItems must leave every item it named as it was
(an overwritten Put, an Update, a Delete, a new Put), GSI queries
unchanged and the stream without its records, and give moto's
CancellationReasons in item order (the Rust code maps them by position); a
successful one applies everything. Also: stream iterators can be read
again, and the SES mailbox endpoint answers.

Uses the emulator at AWS_ENDPOINT_URL (fresh table names each run), or
starts its own (scripts/emulator.sh start free) and stops it.
  .venv/bin/python tools/bench/scripts/emulator-check.py
Exits non-zero if a check fails.
"""

import json
import os
import subprocess
import sys
import traceback
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

sys.path.insert(0, str(Path(__file__).resolve().parent))
from emulator_table import create_table  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]


class Env:
    def __init__(self, url):
        self.url = url
        kw = dict(endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing",
                  aws_secret_access_key="testing",
                  config=Config(retries={"total_max_attempts": 1}, read_timeout=120))
        self.ddb = boto3.client("dynamodb", **kw)
        self.streams = boto3.client("dynamodbstreams", **kw)
        self.ses = boto3.client("sesv2", **kw)
        self.table = f"emulator-check-{uuid.uuid4().hex[:12]}"
        create_table(self.ddb, self.table)
        arn = self.ddb.describe_table(TableName=self.table)["Table"]["LatestStreamArn"]
        shard = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
        self.iterator = self.streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="LATEST")["ShardIterator"]

    def item(self, name, group="g", **extra):
        item = {"pk": {"S": f"USER#{name}"}, "sk": {"S": "PROFILE"},
                "gsi1pk": {"S": f"GROUP#{group}"}, "gsi1sk": {"S": name},
                "version": {"N": "1"}}
        item.update({k: {"S": v} for k, v in extra.items()})
        return item

    def key(self, name):
        return {"pk": {"S": f"USER#{name}"}, "sk": {"S": "PROFILE"}}

    def put(self, item):
        self.ddb.put_item(TableName=self.table, Item=item)

    def get(self, name):
        out = self.ddb.get_item(TableName=self.table, Key=self.key(name), ConsistentRead=True)
        return out.get("Item")

    def group(self, group):
        return self.ddb.query(TableName=self.table, IndexName="gsi1",
                              KeyConditionExpression="gsi1pk = :g",
                              ExpressionAttributeValues={":g": {"S": f"GROUP#{group}"}})["Items"]

    def records(self):
        """The stream's records since the last call."""
        out = self.streams.get_records(ShardIterator=self.iterator)
        self.iterator = out["NextShardIterator"]
        return out["Records"]

    def cancelled(self, items):
        """The CancellationReasons' codes of a transaction that must be cancelled."""
        try:
            self.ddb.transact_write_items(TransactItems=items)
        except ClientError as e:
            error = e.response["Error"]
            assert error["Code"] == "TransactionCanceledException", error
            return [r["Code"] for r in e.response["CancellationReasons"]], e.response
        raise AssertionError("the transaction was not cancelled")

    def guard(self):
        """A ConditionCheck that fails: the item exists."""
        self.put(self.item("guard", group="guard"))
        return {"ConditionCheck": {"TableName": self.table, "Key": self.key("guard"),
                                   "ConditionExpression": "attribute_not_exists(pk)"}}


def unchanged_after_cancel(env, first, second=None, names=("a", "b")):
    """Seeds `names`, runs [first, second or a failing check], asserts nothing changed."""
    for n in names:
        env.put(env.item(n, extra=f"before-{n}"))
    failing = second or env.guard()
    before = {n: env.get(n) for n in names}
    groups = {g: env.group(g) for g in ("g", "moved")}
    env.records()  # drain the seeding
    codes, _ = env.cancelled([first, failing])
    assert codes == ["None", "ConditionalCheckFailed"], codes
    for n in names:
        assert env.get(n) == before[n], (n, env.get(n), before[n])
    assert {g: env.group(g) for g in groups} == groups, "GSI results changed"
    assert env.records() == [], "a cancelled transaction left stream records"


def check_put_overwrite(env):
    unchanged_after_cancel(env, {"Put": {"TableName": env.table,
                                         "Item": env.item("a", group="moved", extra="after")}})


def check_update(env):
    unchanged_after_cancel(env, {"Update": {
        "TableName": env.table, "Key": env.key("a"),
        "UpdateExpression": "SET gsi1pk = :m, extra = :x ADD version :one",
        "ExpressionAttributeValues": {":m": {"S": "GROUP#moved"}, ":x": {"S": "after"},
                                      ":one": {"N": "1"}}}})


def check_delete(env):
    unchanged_after_cancel(env, {"Delete": {"TableName": env.table, "Key": env.key("a")}})


def check_put_condition_fails(env):
    """The second item is a Put whose own condition fails, the first a new item."""
    env.put(env.item("taken"))
    unchanged_after_cancel(
        env,
        {"Put": {"TableName": env.table, "Item": env.item("fresh"),
                 "ConditionExpression": "attribute_not_exists(pk)"}},
        {"Put": {"TableName": env.table, "Item": env.item("taken", extra="again"),
                 "ConditionExpression": "attribute_not_exists(pk)"}},
        names=("a", "taken"),
    )
    assert env.get("fresh") is None, "the new item of a cancelled transaction exists"


def check_reasons_in_order(env):
    """Six items, the fifth fails: every one undone, reasons by position,
    the failed item's old image when asked for."""
    for n in ("a", "b", "d"):
        env.put(env.item(n))
    guard = env.guard()
    guard["ConditionCheck"]["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    before = {n: env.get(n) for n in ("a", "b", "c", "d", "e")}
    group = env.group("g")
    env.records()
    codes, response = env.cancelled([
        {"Put": {"TableName": env.table, "Item": env.item("a", group="moved")}},
        {"Update": {"TableName": env.table, "Key": env.key("b"),
                    "UpdateExpression": "ADD version :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        {"Delete": {"TableName": env.table, "Key": env.key("d")}},
        {"Put": {"TableName": env.table, "Item": env.item("c")}},
        guard,
        {"Put": {"TableName": env.table, "Item": env.item("e")}},
    ])
    assert codes == ["None", "None", "None", "None", "ConditionalCheckFailed", "None"], codes
    old = response["CancellationReasons"][4].get("Item")
    assert old == env.item("guard", group="guard"), old
    assert {n: env.get(n) for n in before} == before
    assert env.group("g") == group
    assert env.records() == []


def check_other_failure_rolls_back(env):
    """A failure that is not a condition (adding a number to a string, found
    while applying the second item) undoes the first item."""
    env.put(env.item("a"))
    env.put(env.item("b", extra="text"))
    before = env.get("a")
    env.records()
    try:
        env.ddb.transact_write_items(TransactItems=[
            {"Update": {"TableName": env.table, "Key": env.key("a"),
                        "UpdateExpression": "ADD version :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}},
            {"Update": {"TableName": env.table, "Key": env.key("b"),
                        "UpdateExpression": "SET extra = extra + :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        ])
    except ClientError as e:
        code = e.response["Error"]["Code"]
        assert code in ("ValidationException", "TransactionCanceledException"), code
    else:
        raise AssertionError("a number was added to a string")
    assert env.get("a") == before
    assert env.records() == []


def check_rejected_writes_nothing(env):
    """Two operations on one item: a ValidationException, nothing written."""
    env.records()
    try:
        env.ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": env.table, "Item": env.item("twice")}},
            {"Update": {"TableName": env.table, "Key": env.key("twice"),
                        "UpdateExpression": "ADD version :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        ])
    except ClientError as e:
        assert e.response["Error"]["Code"] == "ValidationException", e.response["Error"]
    else:
        raise AssertionError("accepted two operations on one item")
    assert env.get("twice") is None
    assert env.records() == []


def check_success_applies_everything(env):
    env.put(env.item("upd"))
    env.put(env.item("del"))
    env.records()
    env.ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": env.table, "Item": env.item("new"),
                 "ConditionExpression": "attribute_not_exists(pk)"}},
        {"Update": {"TableName": env.table, "Key": env.key("upd"),
                    "UpdateExpression": "SET gsi1pk = :m ADD version :one",
                    "ConditionExpression": "attribute_exists(pk)",
                    "ExpressionAttributeValues": {":m": {"S": "GROUP#moved"}, ":one": {"N": "1"}}}},
        {"Delete": {"TableName": env.table, "Key": env.key("del")}},
        {"ConditionCheck": {"TableName": env.table, "Key": env.key("new2"),
                            "ConditionExpression": "attribute_not_exists(pk)"}},
    ])
    assert env.get("new") == env.item("new")
    assert env.get("upd")["version"] == {"N": "2"}
    assert env.get("del") is None
    moved = [i["gsi1sk"]["S"] for i in env.group("moved")]
    assert "upd" in moved, moved
    events = [r["eventName"] for r in env.records()]
    assert events == ["INSERT", "MODIFY", "REMOVE"], events


def check_stream_after_cancel(env):
    """After a cancelled transaction the stream still shows later writes,
    and an iterator can be read again."""
    env.records()
    env.cancelled([{"Put": {"TableName": env.table, "Item": env.item("p")}}, env.guard()])
    env.put(env.item("later"))
    again = env.iterator
    first = env.records()
    keys = [r["dynamodb"]["Keys"]["pk"]["S"] for r in first]
    assert keys == ["USER#guard", "USER#later"], keys  # guard() puts its item first
    assert env.streams.get_records(ShardIterator=again)["Records"] == first


def check_mailbox(env):
    to = f"check-{uuid.uuid4().hex[:8]}@example.com"
    env.ses.create_email_identity(EmailIdentity="check@emulator.test")
    env.ses.send_email(FromEmailAddress="check@emulator.test", Destination={"ToAddresses": [to]},
                       Content={"Simple": {"Subject": {"Data": "Code"},
                                           "Body": {"Html": {"Data": "<p>123456</p>"}}}})
    query = urllib.parse.urlencode({"to": to.upper()})
    with urllib.request.urlopen(f"{env.url}/_emulator/ses/messages?{query}", timeout=30) as r:
        mail = json.load(r)
    assert [(m["subject"], m["to"]) for m in mail] == [("Code", [to])], mail


CHECKS = [check_put_overwrite, check_update, check_delete, check_put_condition_fails,
          check_reasons_in_order, check_other_failure_rolls_back, check_rejected_writes_nothing,
          check_success_applies_everything, check_stream_after_cancel, check_mailbox]


def main():
    url, port = os.environ.get("AWS_ENDPOINT_URL"), None
    if not url:
        url = subprocess.run(["scripts/emulator.sh", "start", "free"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.strip()
        port = url.rsplit(":", 1)[1]
    failed = []
    try:
        for check in CHECKS:
            try:
                check(Env(url))  # a fresh table each
                print(f"ok     {check.__name__}")
            except Exception:
                failed.append(check.__name__)
                print(f"FAILED {check.__name__}\n{traceback.format_exc()}")
    finally:
        if port:
            subprocess.run(["scripts/emulator.sh", "stop", port], cwd=ROOT, capture_output=True)
    print(f"emulator-check: {len(CHECKS) - len(failed)} of {len(CHECKS)} passed ({url})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
