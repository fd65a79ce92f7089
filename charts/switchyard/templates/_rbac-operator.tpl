{{/*
The operator's rights, a copy of the rules in operator/config/rbac/ (the operator's canonical, least-privilege
RBAC; a test keeps the copies equal). Shared by the ClusterRole (all namespaces) and the Role
(operator.watchNamespace). No Secrets: model pods reference spec.registry.configSecretName by name only.
*/}}
{{- define "switchyard.operator.rules" -}}
# Watch the resource, add/remove its finalizer.
- apiGroups: [serving.switchyard.dev]
  resources: [modeldeployments]
  verbs: [get, list, watch, patch]
- apiGroups: [serving.switchyard.dev]
  resources: [modeldeployments/status]
  verbs: [patch]
# Owner references with blockOwnerDeletion need update on the owner's finalizers subresource.
- apiGroups: [serving.switchyard.dev]
  resources: [modeldeployments/finalizers]
  verbs: [update]
# Revisions.
- apiGroups: [apps]
  resources: [deployments]
  verbs: [get, list, watch, create, patch, delete]
# Stable and preview Services.
- apiGroups: [""]
  resources: [services]
  verbs: [get, list, watch, create, patch, delete]
# Analysis reaches the candidate's ready pods.
- apiGroups: [""]
  resources: [pods]
  verbs: [list]
- apiGroups: [""]
  resources: [events]
  verbs: [create]
# KEDA ScaledObject of the active revision.
- apiGroups: [keda.sh]
  resources: [scaledobjects]
  verbs: [get, list, watch, create, delete]
{{- end -}}

{{/* Leader election: the Lease in the release namespace only (operator/config/rbac/leader-election-role.yaml). */}}
{{- define "switchyard.operator.leaderElectionRules" -}}
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  verbs: [get, create, update]
{{- end -}}
