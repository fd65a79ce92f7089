{{/* The gateway reads ModelDeployments (active revision) and pods (ready endpoints); nothing else, never writes. */}}
{{- define "switchyard.gateway.rules" -}}
- apiGroups: [serving.switchyard.dev]
  resources: [modeldeployments]
  verbs: [get, list, watch]
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch]
{{- end -}}
