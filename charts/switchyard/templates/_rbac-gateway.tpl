{{/*
The gateway's discovery reads ModelDeployments (activeRevision) and the pods the operator labels; it writes
nothing. A copy of operator/config/rbac/gateway-discovery.yaml (a test keeps them equal).
*/}}
{{- define "switchyard.gateway.rules" -}}
- apiGroups: [serving.switchyard.dev]
  resources: [modeldeployments]
  verbs: [list, watch]
- apiGroups: [""]
  resources: [pods]
  verbs: [list, watch]
{{- end -}}
