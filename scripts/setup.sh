#!/usr/bin/env bash
# Create .venv and install Open-AutoGLM with every extra. torch is pinned first so that
# sentence-transformers does not pull a different (multi-GB) build.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet "torch==2.13.0"
.venv/bin/python -m pip install --quiet -e ".[all,dev]"
