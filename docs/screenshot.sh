#!/usr/bin/env bash
# Rebuild outputs/ and take docs/graph.png: the HTML view with "Ray Serve" focused, in headless
# Chromium. --virtual-time-budget lets the page lay out and draw before the shot (without it
# the canvas is still empty). Needs Debian's chromium and fonts-noto-cjk.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
"$python" -m kg build --output-dir outputs >/dev/null
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --no-first-run --disable-sync --user-data-dir="$profile" \
    --hide-scrollbars --window-size=1400,860 --virtual-time-budget=10000 \
    --screenshot="$PWD/docs/graph.png" "file://$PWD/outputs/graph.html#Ray%20Serve" 2>/dev/null
echo "wrote docs/graph.png"
