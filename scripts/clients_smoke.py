"""One call per surface through the Python clients generated from
openapi/*.yaml (scripts/clients.sh), against a running stack: the call must
answer the status expected and the client must parse the answer into its
documented model (a `None` parse means the document and the answer differ).

    clients_smoke.py BASE_URL CLIENTS_DIR API_KEY
"""

import secrets
import sys

BASE, CLIENTS, API_KEY = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, CLIENTS)

import accounts_client  # noqa: E402
import app_client  # noqa: E402
import oauth_client  # noqa: E402
import passkeys_client  # noqa: E402
import sites_client  # noqa: E402
import socialnetworks_client  # noqa: E402
import users_client  # noqa: E402
import webhooks_client  # noqa: E402
from accounts_client.api.default import create_account  # noqa: E402
from accounts_client.models import CreateAccountRequest  # noqa: E402
from app_client.api.default import check_email  # noqa: E402
from app_client.models import CheckEmailJsonBody  # noqa: E402
from oauth_client.api.default import jwks  # noqa: E402
from passkeys_client.api.default import passkey_sign_in_options  # noqa: E402
from sites_client.api.default import list_sites  # noqa: E402
from socialnetworks_client.api.default import list_networks  # noqa: E402
from users_client.api.default import create_user  # noqa: E402
from users_client.models import CreateUserRequest  # noqa: E402
from webhooks_client.api.default import create_webhook  # noqa: E402
from webhooks_client.models import WebhookEndpointInput  # noqa: E402

n = secrets.token_hex(4)
failures = []


def check(surface, response, status):
    ok = response.status_code == status and response.parsed is not None
    print(f"clients: {surface}: {response.status_code} {type(response.parsed).__name__}"
          + ("" if ok else f" (expected {status} and a parsed body)"), file=sys.stderr)
    if not ok:
        failures.append(surface)


def person(prefix):
    name = f"{prefix}_{n}"
    return {"username": name, "password": "s3cret-pass", "firstName": "Gen",
            "lastName": "Client", "email": f"{name}@example.com"}


check("accounts", create_account.sync_detailed(
    client=accounts_client.Client(BASE), body=CreateAccountRequest.from_dict(person("genacct"))), 201)
check("users", create_user.sync_detailed(
    client=users_client.Client(BASE), body=CreateUserRequest.from_dict(person("genuser"))), 200)
check("oauth", jwks.sync_detailed(client=oauth_client.Client(BASE)), 200)
check("passkeys", passkey_sign_in_options.sync_detailed(client=passkeys_client.Client(BASE)), 200)
keyed = {"X-API-Key": API_KEY}
check("socialnetworks", list_networks.sync_detailed(
    client=socialnetworks_client.Client(BASE, headers=keyed), page=1, per_page=5), 200)
check("sites", list_sites.sync_detailed(client=sites_client.Client(BASE)), 401)
check("app", check_email.sync_detailed(
    client=app_client.Client(BASE, headers=keyed),
    body=CheckEmailJsonBody.from_dict({"email": f"genacct_{n}@example.com"})), 200)
check("webhooks", create_webhook.sync_detailed(
    client=webhooks_client.Client(BASE, headers=keyed),
    body=WebhookEndpointInput.from_dict({"url": "https://hooks.example.com/in", "events": ["user.created"]})), 201)
sys.exit(f"clients: calls that failed: {', '.join(failures)}" if failures else 0)
