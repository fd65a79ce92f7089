output "cluster_name" {
  description = "EKS cluster name."
  value       = aws_eks_cluster.this.name
}

output "cluster_endpoint" {
  description = "API server URL."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_certificate_authority_data" {
  description = "API server CA certificate, base64 PEM."
  value       = aws_eks_cluster.this.certificate_authority[0].data
}

output "oidc_provider_arn" {
  description = "IAM OIDC provider of the cluster, for IRSA trust policies."
  value       = aws_iam_openid_connect_provider.this.arn
}

output "oidc_issuer" {
  description = "OIDC issuer URL without https://, the prefix of IRSA condition keys."
  value       = replace(aws_eks_cluster.this.identity[0].oidc[0].issuer, "https://", "")
}

output "gpu_tolerations" {
  description = "Tolerations a ModelDeployment needs for each GPU node group (spec.tolerations)."
  value = {
    for name, group in var.gpu_node_groups : name => [
      for t in local.gpu_taints[group.capacity_type] : { key = t.key, operator = "Equal", value = t.value, effect = "NoSchedule" }
    ]
  }
}
