#!/usr/bin/env bash
# Builds OpenTofu from the Go module proxy into ~/.cache/switchyard/tofu-<version>/bin/tofu (cached).
# The version is the one pinned in deploy/go/tofu/go.mod; the build is niced, its log goes to a file.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
module="$here/go/tofu"
version="$(awk '$1 == "require" && $2 == "github.com/opentofu/opentofu" { print $3 }' "$module/go.mod")"
cache="${SWITCHYARD_CACHE:-$HOME/.cache/switchyard}"
dir="$cache/tofu-$version"
bin="$dir/bin/tofu"
if [[ -x "$bin" ]] && TF_CLI_CONFIG_FILE=/dev/null "$bin" version >/dev/null 2>&1; then
  echo "[deploy] tofu $version cached at $bin"
  exit 0
fi
mkdir -p "$dir/bin" "$cache/logs"
log="$cache/logs/install-tofu.log"
echo "[deploy] building tofu $version from the Go module proxy (log: $log)"
start=$(date +%s)
(
  cd "$module"
  nice -n 10 go build -trimpath -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" -o "$bin.tmp" github.com/opentofu/opentofu/cmd/tofu
) >"$log" 2>&1 || { tail -20 "$log" >&2; echo "[deploy] tofu build failed; see $log" >&2; exit 1; }
mv "$bin.tmp" "$bin"
echo "[deploy] tofu $version built in $(( $(date +%s) - start )) s: $(TF_CLI_CONFIG_FILE=/dev/null "$bin" version | head -1)"
