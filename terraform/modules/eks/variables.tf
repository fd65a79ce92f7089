variable "name" {
  description = "EKS cluster name."
  type        = string
}

variable "kubernetes_version" {
  description = "EKS Kubernetes version (the chart needs 1.30 or later)."
  type        = string
  default     = "1.34"
  validation {
    condition     = can(regex("^1\\.(3[0-9])$", var.kubernetes_version))
    error_message = "kubernetes_version must be 1.30 or later, written as major.minor (e.g. \"1.34\")."
  }
}

variable "vpc_id" {
  description = "VPC of the cluster."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the control plane's network interfaces and the nodes."
  type        = list(string)
}

variable "endpoint_public_access_cidrs" {
  description = "Addresses allowed to reach the public API endpoint; empty turns the public endpoint off."
  type        = list(string)
  default     = []
}

variable "system_node_group" {
  description = "On-demand nodes for the gateway, operator, KEDA, monitoring: everything but the engines."
  type = object({
    instance_types = list(string)
    min_size       = number
    max_size       = number
    desired_size   = number
    disk_size_gib  = optional(number, 50)
  })
  default = {
    instance_types = ["m7i.xlarge"]
    min_size       = 2
    max_size       = 6
    desired_size   = 3
  }
}

variable "gpu_node_groups" {
  description = <<-EOT
    GPU node groups for vLLM pods, keyed by name. capacity_type ON_DEMAND or SPOT; every GPU node is tainted
    nvidia.com/gpu=present:NoSchedule, spot nodes also switchyard.dev/spot=true:NoSchedule, so only pods that
    tolerate them (ModelDeployment spec.tolerations) land there. min_size 0 lets the cluster autoscaler or
    Karpenter bring nodes only when a model scales up.
  EOT
  type = map(object({
    capacity_type  = string
    instance_types = list(string)
    min_size       = number
    max_size       = number
    desired_size   = number
    disk_size_gib  = optional(number, 200)
    labels         = optional(map(string), {})
  }))
  default = {
    gpu-on-demand = {
      capacity_type  = "ON_DEMAND"
      instance_types = ["g6e.2xlarge"]
      min_size       = 1
      max_size       = 4
      desired_size   = 1
    }
    gpu-spot = {
      capacity_type  = "SPOT"
      instance_types = ["g6e.2xlarge", "g6e.4xlarge", "g5.2xlarge"]
      min_size       = 0
      max_size       = 8
      desired_size   = 0
    }
  }
  validation {
    condition     = alltrue([for g in values(var.gpu_node_groups) : contains(["ON_DEMAND", "SPOT"], g.capacity_type)])
    error_message = "gpu_node_groups[*].capacity_type must be ON_DEMAND or SPOT."
  }
  validation {
    condition     = alltrue([for g in values(var.gpu_node_groups) : g.min_size <= g.desired_size && g.desired_size <= g.max_size])
    error_message = "gpu_node_groups[*] must satisfy min_size <= desired_size <= max_size."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
