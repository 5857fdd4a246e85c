#!/usr/bin/env bash
# Schemathesis against every service's OpenAPI on a running `mip dev`, with a token for
# each role: the build fails on any 5xx or any response that does not match the document.
# Bounded: a few examples per operation and a time limit per service and role.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
offset=${MIP_FUZZ_PORT_OFFSET:-700}
data=$(mktemp -d)
export MIP_DATA_DIR=$data
.venv/bin/mip dev --data-dir "$data" --port-offset "$offset" >"$data/dev.log" 2>&1 &
dev=$!
trap 'kill -INT $dev 2>/dev/null; wait $dev 2>/dev/null || true; [ -n "${MIP_FUZZ_KEEP:-}" ] || rm -rf "$data"' EXIT
for _ in $(seq 1 120); do
  grep -q "MIP is up" "$data/dev.log" && break
  kill -0 $dev 2>/dev/null || { cat "$data/dev.log"; exit 1; }
  sleep 1
done
grep -q "MIP is up" "$data/dev.log" || { cat "$data/dev.log"; exit 1; }

# One service's three roles, one after another; the four services side by side, so the
# step takes about a quarter of the time (each run is bounded by --max-time regardless).
fuzz_service() {
  local port=$1 failed=0 role token
  for role in office applicant host; do
    token=$(.venv/bin/mip token --role "$role" --sub "$role@example.org")
    if ! .venv/bin/schemathesis run "http://127.0.0.1:$port/openapi.json" \
        -H "Authorization: Bearer $token" \
        --checks not_a_server_error,response_schema_conformance \
        --phases examples,coverage,fuzzing --max-examples 5 --max-time 12 \
        --workers 1 --warnings off --seed 1 >"$data/fuzz-$port-$role.log" 2>&1; then
      failed=1
    fi
  done
  return $failed
}

pids=()
for service in 1 2 3 4; do
  fuzz_service $((8000 + service + offset)) &
  pids+=($!)
done
failed=0
for i in "${!pids[@]}"; do
  port=$((8001 + i + offset))
  wait "${pids[$i]}" || failed=1
  for role in office applicant host; do
    log="$data/fuzz-$port-$role.log"
    grep -q "No issues found" "$log" || tail -n 60 "$log"
    echo "port $port as $role: $(tail -n 1 "$log")"
  done
done
exit $failed
