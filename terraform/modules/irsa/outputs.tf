output "operator_role_arn" {
  description = "Chart value aws.irsa.operatorRoleArn."
  value       = aws_iam_role.operator.arn
}

output "model_fetch_role_arn" {
  description = "Chart value aws.irsa.modelFetchRoleArn."
  value       = aws_iam_role.model_fetch.arn
}

output "gateway_role_arn" {
  description = "Always null: the gateway needs no AWS access and gets no role."
  value       = null
}
