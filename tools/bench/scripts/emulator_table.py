"""The table the emulator scripts work on: shaped like the project's
(shared/table/src/schema.rs): string pk/sk, four GSIs projecting all,
a stream with new and old images."""

INDEXES = ("gsi1", "gsi2", "gsi3", "gsi4")


def create_table(ddb, name):
    attributes = ["pk", "sk"] + [f"{i}{k}" for i in INDEXES for k in ("pk", "sk")]
    ddb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in attributes],
        GlobalSecondaryIndexes=[{
            "IndexName": i,
            "KeySchema": [{"AttributeName": f"{i}pk", "KeyType": "HASH"},
                          {"AttributeName": f"{i}sk", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"},
        } for i in INDEXES],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
