#!/usr/bin/env bash
# Build and run ResLint's end-to-end tests (test/e2e/*.e2e.test.ts) in
# code-server with headless Chromium.
#
# Usage: scripts/e2e/run-e2e.sh [node --test options...]
#   e.g. scripts/e2e/run-e2e.sh --test-name-pattern='quick fix'
#
# It first runs `npm run package`, which builds dist/ and writes reslint.vsix:
# reslint.e2e.test.ts installs that .vsix, and extension-host.e2e.test.ts loads
# the extension from dist/.
#
# Environment:
#   RESLINT_E2E_VSIX      .vsix to install instead of packaging one; dist/ must
#                         then be built from the same source
#   RESLINT_E2E_TSCONFIG  tsconfig that compiles the tests (default: test/e2e/tsconfig.json)
#   RESLINT_E2E_OUT_DIR   compiler output folder (default: out)
#   RESLINT_E2E_CACHE     cache folder for code-server (default: ~/.cache/reslint-e2e)
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo_root"
tsconfig=${RESLINT_E2E_TSCONFIG:-test/e2e/tsconfig.json}
out_dir=${RESLINT_E2E_OUT_DIR:-out}

if ! node -e 'require.resolve("playwright-core")' 2>/dev/null; then
  echo "error: playwright-core is not installed. Add it with: npm install --save-dev playwright-core@1.65.1" >&2
  exit 1
fi

RESLINT_E2E_CODE_SERVER=$(bash scripts/e2e/install-code-server.sh)
export RESLINT_E2E_CODE_SERVER

if [ -z "${RESLINT_E2E_VSIX:-}" ]; then
  echo "Packaging the extension (npm run package)..." >&2
  package_log=$(mktemp)
  if ! npm run package >"$package_log" 2>&1; then
    cat "$package_log" >&2
    rm -f "$package_log"
    echo "error: npm run package failed; its output is above." >&2
    exit 1
  fi
  rm -f "$package_log"
fi

node_modules/.bin/tsc -p "$tsconfig" --outDir "$out_dir"

shopt -s nullglob
test_files=("$out_dir"/test/e2e/*.e2e.test.js)
if [ ${#test_files[@]} -eq 0 ]; then
  echo "error: no compiled tests match $out_dir/test/e2e/*.e2e.test.js; check that $tsconfig compiles test/e2e/." >&2
  exit 1
fi
exec node --test --test-reporter=spec "$@" "${test_files[@]}"
