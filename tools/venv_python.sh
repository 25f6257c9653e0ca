#!/bin/sh
# Run the project's venv Python (pre-commit hooks and other tools that would
# otherwise pick whatever `python` is on PATH, which lacks pelican).
# Usage: tools/venv_python.sh build.py check
here=$(cd "$(dirname "$0")/.." && pwd)
python="$here/.venv/bin/python"
if [ ! -x "$python" ]; then
  echo "$python is missing: run \`make\` first (it creates the venv from requirements.lock)" >&2
  exit 1
fi
cd "$here" && exec "$python" "$@"
