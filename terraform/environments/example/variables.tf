variable "name" {
  description = "Environment name: prefix of the cluster, roles and buckets."
  type        = string
  default     = "switchyard-example"
}

variable "region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"
}

variable "availability_zones" {
  description = "Zones with capacity for your GPU instance types."
  type        = list(string)
  default     = ["us-east-1a", "us-east-1b", "us-east-1c"]
}

variable "registry_bucket_name" {
  description = "Globally unique name of the registry bucket."
  type        = string
}

variable "api_endpoint_cidrs" {
  description = "Addresses allowed to reach the Kubernetes API (your office or VPN); empty keeps it private."
  type        = list(string)
  default     = []
}

variable "model_namespaces" {
  description = "Namespaces of ModelDeployments."
  type        = list(string)
  default     = ["models"]
}

variable "gateway_api_keys" {
  description = "Gateway API keys as SHA-256 hashes: [{ id, sha256, tenant, models? }]."
  type = list(object({
    id     = string
    sha256 = string
    tenant = string
    models = optional(list(string))
  }))
  validation {
    condition     = length(var.gateway_api_keys) > 0 && alltrue([for k in var.gateway_api_keys : can(regex("^[0-9a-f]{64}$", k.sha256))])
    error_message = "gateway_api_keys needs at least one key, each sha256 a lower-case hex SHA-256 (printf %s \"$KEY\" | sha256sum)."
  }
}

variable "grafana_admin_password" {
  description = "Grafana admin password."
  type        = string
  sensitive   = true
}

variable "redis_url" {
  description = "Redis for shared rate limits (e.g. ElastiCache, rediss://...); empty keeps per-replica limits."
  type        = string
  default     = ""
  sensitive   = true
}
