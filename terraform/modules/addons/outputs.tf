output "prometheus_url" {
  description = "In-cluster Prometheus URL (KEDA Prometheus triggers, ModelDeployment spec.scaling.prometheusServerAddress)."
  value       = local.prometheus_url
}

output "otlp_endpoint" {
  description = "In-cluster OTLP/HTTP endpoint (ModelDeployment spec.engine.otlpTracesEndpoint)."
  value       = local.otlp_endpoint
}

output "external_scaler_address" {
  description = "Gateway's KEDA external scaler (ModelDeployment spec.scaling.externalScalerAddress)."
  value       = local.scaler_address
}
