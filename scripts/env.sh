# Sourced (not run) by the local scripts: the environment of the local stack.
# Everything here points at the emulator, never at a real AWS account, so the
# credentials are dummies and the developer's ~/.aws config is ignored (a
# profile or SSO setting there would otherwise change how the SDK behaves).

export AWS_REGION=${AWS_REGION:-us-east-1}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-$AWS_REGION}
export AWS_ACCESS_KEY_ID=testing
export AWS_SECRET_ACCESS_KEY=testing
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE
export AWS_CONFIG_FILE=/dev/null
export AWS_SHARED_CREDENTIALS_FILE=/dev/null
# No EC2 metadata lookups (they time out slowly off AWS).
export AWS_EC2_METADATA_DISABLED=true

export TABLE_NAME=${TABLE_NAME:-platform}
export EMAIL_FROM=${EMAIL_FROM:-no-reply@platform.local}
# Webhook endpoints may be plain HTTP on loopback (the local stack only).
export WEBHOOK_ALLOW_LOCAL=${WEBHOOK_ALLOW_LOCAL:-true}

# SAM CLI: no telemetry (it would reach the network on every command).
export SAM_CLI_TELEMETRY=0

export PATH="$PWD/.venv/bin:$PATH"
