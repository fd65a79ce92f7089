variable "bucket_name" {
  description = "S3 bucket of model objects and manifests (globally unique)."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name: 3-63 lower-case letters, digits, dots or dashes."
  }
}

variable "table_name" {
  description = "DynamoDB table of the registry index (docs/registry.md: one table, string keys pk and sk)."
  type        = string
  default     = "switchyard-registry"
}

variable "object_lock_retention_days" {
  description = <<-EOT
    Default Object Lock retention (GOVERNANCE mode) of every new object version, in days; 0 sets no default.
    With a default, published bytes cannot be deleted or overwritten for that long, but a failed publish can
    no longer delete its own attempt prefix (the noncurrent-version lifecycle rule removes it once the
    retention ends) unless the publisher may bypass governance retention.
  EOT
  type        = number
  default     = 0
  validation {
    condition     = var.object_lock_retention_days >= 0 && floor(var.object_lock_retention_days) == var.object_lock_retention_days
    error_message = "object_lock_retention_days must be a whole number of days, 0 or more."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days a replaced or deleted object version is kept before S3 removes it."
  type        = number
  default     = 90
}

variable "force_destroy" {
  description = "Let `destroy` empty the bucket (test environments only)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
