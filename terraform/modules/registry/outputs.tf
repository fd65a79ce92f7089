output "bucket_name" {
  description = "Registry bucket (chart value registry.bucket, LLMCTL_BUCKET)."
  value       = aws_s3_bucket.registry.id
}

output "bucket_arn" {
  description = "Registry bucket ARN."
  value       = aws_s3_bucket.registry.arn
}

output "table_name" {
  description = "Registry table (chart value registry.table, LLMCTL_TABLE)."
  value       = aws_dynamodb_table.registry.name
}

output "table_arn" {
  description = "Registry table ARN."
  value       = aws_dynamodb_table.registry.arn
}

output "kms_key_arn" {
  description = "KMS key encrypting the bucket and the table; readers need kms:Decrypt on it."
  value       = aws_kms_key.registry.arn
}
