output "cluster_name" {
  description = "Run: aws eks update-kubeconfig --name <this> --region <region>"
  value       = module.eks.cluster_name
}

output "registry_bucket" {
  description = "LLMCTL_BUCKET for llmctl."
  value       = module.registry.bucket_name
}

output "registry_table" {
  description = "LLMCTL_TABLE for llmctl."
  value       = module.registry.table_name
}

output "gpu_tolerations" {
  description = "Tolerations to put in ModelDeployment spec.tolerations per GPU node group."
  value       = module.eks.gpu_tolerations
}

output "external_scaler_address" {
  description = "spec.scaling.externalScalerAddress for ModelDeployments."
  value       = module.addons.external_scaler_address
}

output "otlp_endpoint" {
  description = "spec.engine.otlpTracesEndpoint for ModelDeployments."
  value       = module.addons.otlp_endpoint
}
