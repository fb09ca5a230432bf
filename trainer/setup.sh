#!/usr/bin/env bash
# Prepares trainer/.venv: Python 3.11+, PyTorch (TORCH_SPEC, default the CPU build torch==2.13.0)
# and the pinned packages of requirements.txt. Does nothing when they are already installed.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-python3}
TORCH_SPEC=${TORCH_SPEC:-torch==2.13.0}
stamp=.venv/.brightrun-setup
want="$(sha256sum requirements.txt | cut -c1-16) $TORCH_SPEC"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi

if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
  echo "trainer/setup.sh: Python 3.11 or newer is needed; set PYTHON to one (found: $("$PYTHON" --version 2>&1 || echo none))." >&2
  exit 1
fi
echo "Preparing the trainer's Python environment in trainer/.venv (PyTorch, transformers, peft; a minute or two)..."
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
pip=(.venv/bin/python -m pip install --quiet --disable-pip-version-check)
"${pip[@]}" "$TORCH_SPEC"
"${pip[@]}" -r requirements.txt
echo "$want" > "$stamp"
echo "Trainer environment ready: trainer/.venv"
