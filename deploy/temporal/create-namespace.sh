#!/bin/sh
# Registers MIP's namespace once the server answers (the server image creates none), as
# Temporal's compose example does (samples-server, compose/scripts/create-namespace.sh).
set -eu
address="${TEMPORAL_ADDRESS:-temporal:7233}"
namespace="${TEMPORAL_NAMESPACE:-default}"
tries=0
until temporal operator cluster health --address "$address"; do
	tries=$((tries + 1))
	[ "$tries" -lt 60 ] || { echo "Temporal at $address did not become healthy"; exit 1; }
	sleep 2
done
if temporal operator namespace describe --namespace "$namespace" --address "$address" >/dev/null 2>&1; then
	echo "namespace $namespace exists"
else
	temporal operator namespace create --namespace "$namespace" \
		--retention "${TEMPORAL_RETENTION:-30d}" --address "$address"
	echo "namespace $namespace created"
fi
