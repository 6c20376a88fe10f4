#!/usr/bin/env bash
# Runs every example script with tsx and with ts-node, from the repository root and from
# examples/, then executes the notebook headless. Stops at the first failure.
#
# Needs: the library built (`npm run build` at the root) and this package installed
# (`npm ci --prefix examples`), which links examples/node_modules/samestory to the root.
# The notebook also needs Debian's jupyter-nbconvert, jupyter-client and python3-ipykernel.
#
#   bash examples/run-all.sh             run everything; the committed notebook is left as is
#   bash examples/run-all.sh --update    also write the fresh outputs into the committed notebook
#   SKIP_NOTEBOOK=1 bash examples/run-all.sh
set -euo pipefail

EXAMPLES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(dirname "$EXAMPLES_DIR")"
PYTHON="${PYTHON:-/usr/bin/python3}"
UPDATE_NOTEBOOK=0
[[ "${1:-}" == "--update" ]] && UPDATE_NOTEBOOK=1

fail() { echo "run-all: $*" >&2; exit 1; }

[[ -f "$REPO_ROOT/dist/index.cjs" ]] || fail "dist/index.cjs is missing: run 'npm run build' at the repository root first"
[[ -e "$EXAMPLES_DIR/node_modules/samestory/package.json" ]] || fail "examples/node_modules is not installed: run 'npm ci --prefix examples'"

# Both runners come from the root devDependencies; npx finds them from either directory.
EXAMPLES=(basic-clustering incremental-add custom-embedder explain-match)
run() {
  local dir="$1" runner="$2" script="$3"
  local where="repository root"
  [[ "$dir" == "$EXAMPLES_DIR" ]] && where="examples/"
  echo "=== $runner $script (from $where) ==="
  (cd "$dir" && npx --no-install "$runner" "$script")
}
for name in "${EXAMPLES[@]}"; do
  run "$REPO_ROOT" tsx "examples/$name.ts"
  run "$REPO_ROOT" ts-node "examples/$name.ts"
  run "$EXAMPLES_DIR" tsx "$name.ts"
  run "$EXAMPLES_DIR" ts-node "$name.ts"
done

if [[ "${SKIP_NOTEBOOK:-0}" == "1" ]]; then
  echo "=== notebook skipped (SKIP_NOTEBOOK=1) ==="
  exit 0
fi

NOTEBOOK="$EXAMPLES_DIR/notebooks/polish-german-nato.ipynb"
echo "=== notebook $(basename "$NOTEBOOK") ==="
command -v jupyter >/dev/null || fail "jupyter is missing: apt-get install jupyter-nbconvert jupyter-client python3-ipykernel"
# The kernel is started as `tslab kernel …`, so tslab must be on PATH.
export PATH="$EXAMPLES_DIR/node_modules/.bin:$PATH"
if ! jupyter kernelspec list 2>/dev/null | grep -q '^ *tslab '; then
  tslab install --python="$PYTHON"
fi
if [[ "$UPDATE_NOTEBOOK" == "1" ]]; then
  jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.record_timing=False "$NOTEBOOK"
else
  out_dir="$(mktemp -d)"
  trap 'rm -rf "$out_dir"' EXIT
  jupyter nbconvert --to notebook --execute --output-dir "$out_dir" "$NOTEBOOK"
fi
echo "run-all: all examples passed"
