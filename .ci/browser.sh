#!/usr/bin/env bash
# The browser the portal's tests drive: Debian's chromium, at /usr/bin/chromium.
# Playwright's own browser download does not work on these machines and is not used
# (the tests pass executable_path); the Python packages (playwright, which bundles its
# driver, and axe-playwright-python, which bundles axe-core) come with `.[dev]`.
# Idempotent: installs only what is missing, then checks the browser starts.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

if ! [ -x /usr/bin/chromium ]; then
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
fi
/usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --dump-dom 'data:text/html,<title>ok</title>' 2>/dev/null | grep -q '<title>ok</title>'
echo "chromium: $(/usr/bin/chromium --version 2>/dev/null)"
