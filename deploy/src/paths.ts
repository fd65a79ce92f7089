// deploy: where the deployment assets live, from this workspace's point of view.

import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The Helm chart. */
export const CHART_DIR = join(REPO_ROOT, 'charts', 'switchyard');
/** KEDA examples. */
export const KEDA_DIR = join(REPO_ROOT, 'keda');
/** Terraform modules and environments. */
export const TERRAFORM_DIR = join(REPO_ROOT, 'terraform');
/** Dashboards, alert rules, kube-state-metrics config. */
export const OBSERVABILITY_DIR = join(REPO_ROOT, 'observability');
/** The operator's canonical CRD, which the chart carries a copy of. */
export const OPERATOR_CRD = join(
  REPO_ROOT,
  'operator',
  'config',
  'crd',
  'modeldeployments.serving.switchyard.dev.yaml',
);
/** The operator's canonical RBAC, whose rules the chart's roles copy. */
export const OPERATOR_RBAC = join(REPO_ROOT, 'operator', 'config', 'rbac');
