#!/usr/bin/env bash
# The alerting rules and the dashboard in deploy/observability/ (issue 16): promtool checks
# the rules and the Prometheus configuration, runs the rules' unit tests, and the
# dashboard must be JSON. promtool comes from Debian's `prometheus` package, installed
# here if missing (its server is not started).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=deploy/observability

if ! command -v promtool >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends prometheus >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }
fi
promtool --version | head -n 1
(cd "$dir" && promtool check config prometheus.yml && promtool check rules alerts.yml \
  && promtool test rules alerts.test.yml)
python3 -m json.tool "$dir/grafana-dashboard.json" >/dev/null
echo "grafana-dashboard.json: valid JSON"
