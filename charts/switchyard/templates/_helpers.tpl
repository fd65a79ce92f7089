{{/*
Names, labels and the few derived values every template shares. Checks that a JSON schema cannot
express live here as `required`/`fail` with a message naming the value to set.
*/}}

{{- define "switchyard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* `<release>-<chart>`, or just the release name when it already contains the chart name. */}}
{{- define "switchyard.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "switchyard.gateway.fullname" -}}
{{- printf "%s-gateway" (include "switchyard.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "switchyard.operator.fullname" -}}
{{- printf "%s-operator" (include "switchyard.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "switchyard.gateway.scalerServiceName" -}}
{{- printf "%s-gateway-scaler" (include "switchyard.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "switchyard.modelFetch.serviceAccountName" -}}
{{- default (printf "%s-model-fetch" (include "switchyard.fullname" .)) .Values.modelFetch.serviceAccount.name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "switchyard.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels on every object; pass a dict with `root` (the top context) and `component`. */}}
{{- define "switchyard.labels" -}}
helm.sh/chart: {{ include "switchyard.chart" .root }}
{{ include "switchyard.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: switchyard
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Labels a selector matches on; they never change across upgrades. */}}
{{- define "switchyard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "switchyard.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* `repository:tag`, the tag defaulting to the chart's appVersion; pass the image values. */}}
{{- define "switchyard.image" -}}
{{- $repository := required "an image repository is empty: set gateway.image.repository and operator.image.repository" .image.repository -}}
{{- printf "%s:%s" $repository (default .root.Chart.AppVersion .image.tag) -}}
{{- end -}}

{{/* Namespaces the model-fetch ServiceAccount is created in (a JSON list). */}}
{{- define "switchyard.modelFetch.namespaces" -}}
{{- if .Values.modelFetch.serviceAccount.namespaces -}}
{{- toJson .Values.modelFetch.serviceAccount.namespaces -}}
{{- else -}}
{{- toJson (list (default .Release.Namespace .Values.operator.watchNamespace)) -}}
{{- end -}}
{{- end -}}

{{/* The one namespace the gateway discovers in, or "" for all (the gateway watches one or all). */}}
{{- define "switchyard.gateway.namespace" -}}
{{- default .Values.operator.watchNamespace .Values.gateway.watchNamespace -}}
{{- end -}}

{{/* Address KEDA dials for the gateway's external scaler. */}}
{{- define "switchyard.keda.externalScalerAddress" -}}
{{- printf "%s.%s.svc:%d" (include "switchyard.gateway.scalerServiceName" .) .Release.Namespace (int .Values.gateway.ports.scaler) -}}
{{- end -}}

{{/*
The gateway's config file (gateway/src/config.ts). Derived sections first, then gateway.config merged
over them, so any gateway option can be set without a chart change.
*/}}
{{- define "switchyard.gateway.config" -}}
{{- $g := .Values.gateway -}}
{{- if and (eq $g.auth.mode "required") (not $g.auth.keys) -}}
{{- fail "gateway.auth.keys is empty: add at least one API key hash ({id, sha256, tenant}), or set gateway.existingConfigSecret to a Secret holding the whole config" -}}
{{- end -}}
{{- $config := dict
  "server" (dict
    "host" "0.0.0.0"
    "port" (int $g.ports.http)
    "adminHost" "0.0.0.0"
    "adminPort" (int $g.ports.admin)
    "drainTimeoutMs" (mul (int $g.drainTimeoutSeconds) 1000)
    "workers" $g.workers)
  "auth" (dict "mode" $g.auth.mode "keys" $g.auth.keys)
  "scaler" (dict "enabled" .Values.keda.enabled "host" "0.0.0.0" "port" (int $g.ports.scaler))
  "discovery" (dict "kubernetes" (dict "enabled" true))
  "telemetry" (dict "serviceName" "llm-gateway")
-}}
{{- with include "switchyard.gateway.namespace" . -}}
{{- $_ := set $config.discovery.kubernetes "namespace" . -}}
{{- end -}}
{{- if .Values.otlp.endpoint -}}
{{- $_ := set $config.telemetry "otlpEndpoint" .Values.otlp.endpoint -}}
{{- end -}}
{{- if .Values.redis.url -}}
{{- $_ := set $config "rateLimits" (dict "store" "redis" "redis" (dict "url" .Values.redis.url)) -}}
{{- end -}}
{{- toYaml (mergeOverwrite $config (deepCopy $g.config)) -}}
{{- end -}}

{{- define "switchyard.gateway.configSecretName" -}}
{{- default (printf "%s-config" (include "switchyard.gateway.fullname" .)) .Values.gateway.existingConfigSecret -}}
{{- end -}}
