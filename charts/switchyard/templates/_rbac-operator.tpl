{{/*
The operator's rights on what it reconciles, shared by the ClusterRole (all namespaces) and the
per-namespace Roles (operator.watchNamespaces). Least privilege: no Secrets (model pods reference
configSecretName by name only), no delete on ModelDeployments, nothing cluster-wide beyond this list.
*/}}
{{- define "switchyard.operator.rules" -}}
- apiGroups: [serving.switchyard.dev]
  resources: [modeldeployments]
  verbs: [get, list, watch, update, patch]
- apiGroups: [serving.switchyard.dev]
  resources: [modeldeployments/status]
  verbs: [get, update, patch]
- apiGroups: [serving.switchyard.dev]
  resources: [modeldeployments/finalizers]
  verbs: [update]
- apiGroups: [apps]
  resources: [deployments]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [""]
  resources: [services]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch]
- apiGroups: [keda.sh]
  resources: [scaledobjects]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [""]
  resources: [events]
  verbs: [create, patch]
- apiGroups: [events.k8s.io]
  resources: [events]
  verbs: [create, patch]
{{- end -}}
