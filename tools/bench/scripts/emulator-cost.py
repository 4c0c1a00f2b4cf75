"""The local emulator's cost: transactions against table size, and memory.

Starts a private emulator (scripts/emulator.sh start free), stops it at the
end, and prints Markdown tables:

  1. median and p90 latency of a one-item TransactWriteItems (a Put with
     attribute_not_exists(pk)) beside a plain PutItem, at 1,000 and at
     10,000 items in a table shaped like the project's (pk/sk, gsi1..gsi4,
     a NEW_AND_OLD_IMAGES stream);
  2. the emulator's RSS (VmRSS) before and during 10,000 mixed requests
     (puts, gets of present and absent keys, deletes, queries on the table
     and a GSI, successful and cancelled transactions, stream reads as the
     notifier's poller makes them, SES sends) on a 1,000-item table whose
     size the mix keeps constant, so any growth is the emulator's own.

Run from the repository root:  .venv/bin/python tools/bench/scripts/emulator-cost.py
Options: --samples N (per latency cell, default 40), --requests N (default
10000), --rss-limit MB (stop the mix early beyond it, default 6000: an
unpatched emulator grows by gigabytes).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))
from emulator_table import create_table  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]


def start_emulator():
    url = subprocess.run(
        ["scripts/emulator.sh", "start", "free"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.strip()
    port = url.rsplit(":", 1)[1]
    pid = int((ROOT / f".local/moto-{port}.pid").read_text())
    return url, port, pid


def stop_emulator(port):
    subprocess.run(["scripts/emulator.sh", "stop", port], cwd=ROOT, check=False,
                   capture_output=True)


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def clients(url):
    # One attempt, no retries: a retry would hide the emulator's own time.
    config = Config(retries={"total_max_attempts": 1}, read_timeout=300,
                    connect_timeout=10)
    kw = dict(endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing",
              aws_secret_access_key="testing", config=config)
    return (boto3.client("dynamodb", **kw), boto3.client("dynamodbstreams", **kw),
            boto3.client("sesv2", **kw))


def user(n, tag="u"):
    """A user profile item about the size of the project's (a dozen attributes)."""
    name = f"{tag}{n:06d}"
    return {
        "pk": {"S": f"USER#{name}"}, "sk": {"S": "PROFILE"},
        "gsi1pk": {"S": f"USERNAME#{name}"}, "gsi1sk": {"S": "USER"},
        "gsi3pk": {"S": f"EMAIL#{name}@example.com"}, "gsi3sk": {"S": "USER"},
        "gsi4pk": {"S": f"ID#{n}"}, "gsi4sk": {"S": "USER"},
        "username": {"S": name}, "email": {"S": f"{name}@example.com"},
        "firstName": {"S": "Bench"}, "lastName": {"S": "Mark"},
        "passwordHash": {"S": "$argon2id$v=19$m=19456,t=2,p=1$" + "x" * 64},
        "createdAt": {"N": str(1_700_000_000 + n)}, "version": {"N": "1"},
    }


def fill(ddb, table, start, end, tag="u"):
    for lo in range(start, end, 25):
        batch = [{"PutRequest": {"Item": user(n, tag)}} for n in range(lo, min(lo + 25, end))]
        ddb.batch_write_item(RequestItems={table: batch})


def timed(call):
    t = time.perf_counter()
    call()
    return (time.perf_counter() - t) * 1000


def p90(xs):
    xs = sorted(xs)
    return xs[round(0.9 * (len(xs) - 1))]


def latency_row(ddb, table, size, samples, next_id):
    tx, put = [], []
    for _ in range(samples):
        # Alternate, so that drift (the table grows by 2 items a round) hits both alike.
        n = next(next_id)
        tx.append(timed(lambda: ddb.transact_write_items(TransactItems=[{"Put": {
            "TableName": table, "Item": user(n, "t"),
            "ConditionExpression": "attribute_not_exists(pk)"}}])))
        n = next(next_id)
        put.append(timed(lambda: ddb.put_item(TableName=table, Item=user(n, "p"))))
    return (f"| {size:,} | {statistics.median(tx):.1f} | {p90(tx):.1f} "
            f"| {statistics.median(put):.1f} | {p90(put):.1f} "
            f"| {statistics.median(tx) / statistics.median(put):.1f}x |")


def mixed(ddb, streams, ses, table, seeded, requests, pid, rss_limit):
    """Yields (requests done, RSS MB) every tenth of the run."""
    arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                          ShardIteratorType="LATEST")["ShardIterator"]
    ses.create_email_identity(EmailIdentity="bench@emulator.test")

    def key(n):
        return {"pk": {"S": f"USER#m{n % seeded:06d}"}, "sk": {"S": "PROFILE"}}

    def put(n):
        ddb.put_item(TableName=table, Item=user(n % seeded, "m"))

    def get(n):
        ddb.get_item(TableName=table, Key=key(n))

    def get_absent(n):
        ddb.get_item(TableName=table, Key={"pk": {"S": f"USER#absent{n}"}, "sk": {"S": "PROFILE"}})

    def delete(n):  # re-put by the next op, so the table keeps its size
        ddb.delete_item(TableName=table, Key=key(n))

    def query(n):
        ddb.query(TableName=table, KeyConditionExpression="pk = :p",
                  ExpressionAttributeValues={":p": key(n)["pk"]})

    def query_gsi(n):
        ddb.query(TableName=table, IndexName="gsi1", KeyConditionExpression="gsi1pk = :p",
                  ExpressionAttributeValues={":p": {"S": f"USERNAME#m{n % seeded:06d}"}})

    def tx_ok(n):
        ddb.transact_write_items(TransactItems=[
            {"Update": {"TableName": table, "Key": key(n), "UpdateExpression": "ADD version :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}},
            {"ConditionCheck": {"TableName": table, "Key": key(n + 1),
                                "ConditionExpression": "attribute_exists(pk)"}},
        ])

    def tx_cancelled(n):
        try:
            ddb.transact_write_items(TransactItems=[
                {"Update": {"TableName": table, "Key": key(n),
                            "UpdateExpression": "ADD version :one",
                            "ExpressionAttributeValues": {":one": {"N": "1"}}}},
                {"Put": {"TableName": table, "Item": user((n + 1) % seeded, "m"),
                         "ConditionExpression": "attribute_not_exists(pk)"}},
            ])
        except ddb.exceptions.TransactionCanceledException:
            return
        raise AssertionError("the transaction should have been cancelled")

    def records(n):
        nonlocal iterator
        iterator = streams.get_records(ShardIterator=iterator)["NextShardIterator"]

    def send(n):
        ses.send_email(
            FromEmailAddress="bench@emulator.test",
            Destination={"ToAddresses": [f"m{n % seeded:06d}@example.com"]},
            Content={"Simple": {"Subject": {"Data": "Your code"},
                                "Body": {"Html": {"Data": "<p>Your code is 123456.</p>" * 20}}}})

    ops = [put, get, query, tx_ok, get_absent, records, tx_cancelled, query_gsi, send, put,
           get, delete, put, query, tx_ok, get, records, tx_cancelled, query_gsi, get_absent]
    step = max(requests // 10, 1)
    for n in range(requests):
        ops[n % len(ops)](n)
        if (n + 1) % step == 0 or n + 1 == requests:
            rss = rss_mb(pid)
            yield n + 1, rss
            if rss > rss_limit:
                return


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--rss-limit", type=float, default=6000)
    args = parser.parse_args()

    url, port, pid = start_emulator()
    try:
        ddb, streams, ses = clients(url)
        fresh = rss_mb(pid)
        print(f"Emulator {url} (pid {pid}), {os.cpu_count()} cores; RSS at start {fresh:.0f} MB.\n",
              flush=True)

        print("| items in table | TransactWriteItems p50 ms | p90 "
              "| PutItem p50 ms | p90 | tx/put |")
        print("|---|---|---|---|---|---|", flush=True)
        create_table(ddb, "bench-size")
        ids = iter(range(10**6))
        fill(ddb, "bench-size", 0, 1000)
        print(latency_row(ddb, "bench-size", 1000, args.samples, ids), flush=True)
        fill(ddb, "bench-size", 1000, 10_000)
        print(latency_row(ddb, "bench-size", 10_000, args.samples, ids), flush=True)

        seeded = 1000
        create_table(ddb, "bench-mixed")
        fill(ddb, "bench-mixed", 0, seeded, "m")
        before = rss_mb(pid)
        print(f"\n| mixed requests (1,000-item table) | emulator RSS MB | seconds |")
        print("|---|---|---|")
        print(f"| 0 | {before:.0f} | - |", flush=True)
        t0 = time.perf_counter()
        done, rss = 0, before
        for done, rss in mixed(ddb, streams, ses, "bench-mixed", seeded, args.requests, pid,
                               args.rss_limit):
            print(f"| {done:,} | {rss:.0f} | {time.perf_counter() - t0:.0f} |", flush=True)
        if done < args.requests:
            print(f"\n(stopped at {done:,} requests: "
                  f"RSS passed --rss-limit {args.rss_limit:.0f} MB)")
        print(f"\nRSS before {before:.0f} MB, after {done:,} mixed requests {rss:.0f} MB "
              f"({rss - before:+.0f} MB).")
    finally:
        stop_emulator(port)


if __name__ == "__main__":
    sys.exit(main())
