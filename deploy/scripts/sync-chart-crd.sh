#!/usr/bin/env bash
# Copies the operator's canonical ModelDeployment CRD into the chart (helm installs charts/*/crds/ verbatim).
# Run after changing operator/config/crd/; deploy/src/chart-render.test.ts fails while the copies differ.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cp "$root/operator/config/crd/modeldeployments.serving.switchyard.dev.yaml" "$root/charts/switchyard/crds/"
echo "[deploy] charts/switchyard/crds/ now matches operator/config/crd/"
