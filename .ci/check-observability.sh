#!/usr/bin/env bash
# The alerting rules and the dashboard in deploy/observability/ (issue 16): promtool checks
# the rules and the Prometheus configurations (mip dev's, compose's, Kubernetes'), runs
# the rules' unit tests, and the
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
# prometheus.kubernetes.yml is not among them: Debian's promtool is built without
# Kubernetes discovery. tests/deploy/test_kubernetes.py plays its relabelling on the pods.
(cd "$dir" && promtool check config prometheus.yml prometheus.compose.yml \
  && promtool check rules alerts.yml \
  && promtool test rules alerts.test.yml)
python3 -m json.tool "$dir/grafana-dashboard.json" >/dev/null
echo "grafana-dashboard.json: valid JSON"
