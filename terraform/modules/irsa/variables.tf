variable "name" {
  description = "Name prefix of the IAM roles."
  type        = string
}

variable "oidc_provider_arn" {
  description = "IAM OIDC provider of the EKS cluster (eks module output)."
  type        = string
}

variable "oidc_issuer" {
  description = "OIDC issuer without https:// (eks module output)."
  type        = string
}

variable "operator_service_account" {
  description = "Namespace and name of the operator's ServiceAccount (chart: <release>-operator in the release namespace)."
  type = object({
    namespace = string
    name      = string
  })
  default = { namespace = "switchyard", name = "switchyard-operator" }
}

variable "model_fetch_service_account" {
  description = "Name of the model pods' ServiceAccount and the namespaces it exists in (chart: <release>-model-fetch)."
  type = object({
    namespaces = list(string)
    name       = string
  })
  default = { namespaces = ["switchyard"], name = "switchyard-model-fetch" }
}

variable "bucket_arn" {
  description = "Registry bucket ARN (registry module output)."
  type        = string
}

variable "table_arn" {
  description = "Registry table ARN (registry module output)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key of the registry bucket (registry module output)."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
