#!/usr/bin/env bash
# Install, lint and run the whole test suite (slow end-to-end tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# the task parser's LLM test talks to a real local server (llama.cpp with a small GGUF model);
# llama-cpp-python compiles llama.cpp (pip caches the wheel); a native build can hit an
# illegal instruction on other CPUs of the same kind, hence GGML_NATIVE=OFF
CMAKE_ARGS="-DGGML_NATIVE=OFF" .venv/bin/python -m pip install --quiet -e ".[all,dev,llm-server]"
# the report's browser test: Debian's headless Chromium (and a CJK font for readable
# screenshots), driven by playwright's client; never `playwright install` (it downloads browsers)
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    chromium chromium-driver fonts-wqy-zenhei >/dev/null; } \
    || echo "Chromium could not be installed: the report's browser test will be skipped"
fi
.venv/bin/ruff check src tests benchmarks examples
.venv/bin/python -m pytest -p no:cacheprovider "$@"
