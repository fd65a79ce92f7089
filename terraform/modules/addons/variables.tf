variable "chart_path" {
  description = "Path of the Switchyard chart (charts/switchyard in this repository)."
  type        = string
}

variable "observability_path" {
  description = "Path of the observability/ folder (alert rules, dashboard, kube-state-metrics config)."
  type        = string
}

variable "switchyard_namespace" {
  description = "Namespace of the Switchyard release (gateway, operator)."
  type        = string
  default     = "switchyard"
}

variable "model_namespaces" {
  description = "Namespaces where ModelDeployments live (model-fetch ServiceAccounts are made there); with exactly one, the operator and gateway are confined to it, otherwise they watch every namespace."
  type        = list(string)
  default     = []
}

variable "switchyard_values" {
  description = "Chart values merged over what this module derives (API keys, image tags, replicas...)."
  type        = any
  default     = {}
}

variable "operator_role_arn" {
  description = "IRSA role of the operator (irsa module output)."
  type        = string
}

variable "model_fetch_role_arn" {
  description = "IRSA role of the model-fetch ServiceAccount (irsa module output)."
  type        = string
}

variable "registry_bucket" {
  description = "Registry bucket name."
  type        = string
}

variable "registry_table" {
  description = "Registry table name."
  type        = string
}

variable "aws_region" {
  description = "Region of the registry."
  type        = string
}

variable "redis_url" {
  description = "Redis for shared rate limits (e.g. an ElastiCache endpoint, rediss://...); empty keeps per-replica limits."
  type        = string
  default     = ""
  sensitive   = true
}

variable "versions" {
  description = "Pinned chart versions of the add-ons."
  type = object({
    keda                  = optional(string, "2.18.0")
    kube_prometheus_stack = optional(string, "77.5.0")
    otel_collector        = optional(string, "0.133.0")
    jaeger                = optional(string, "3.4.1")
    nvidia_device_plugin  = optional(string, "0.17.4")
  })
  default = {}
}

variable "grafana_admin_password" {
  description = "Grafana admin password (store it in a secret manager, not in tfvars)."
  type        = string
  sensitive   = true
}
