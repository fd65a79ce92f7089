# IAM roles for service accounts. Two roles, each trusted only by its ServiceAccount(s):
#   operator     registry read + channel write (it resolves channels and records rollouts)
#   model-fetch  registry read only (the init container that downloads and verifies model bytes)
# The gateway gets no role: it never touches AWS.
# DynamoDB cannot scope writes to sort-key prefixes (dynamodb:LeadingKeys covers the partition key only),
# so "channel write" is UpdateItem/PutItem/ConditionCheckItem on the table with DeleteItem never granted;
# the registry's conditional transactions keep version records immutable.

data "aws_region" "current" {}

locals {
  s3_via = "s3.${data.aws_region.current.region}.amazonaws.com"
}

locals {
  # Each role's trust: the ServiceAccount subjects allowed to assume it through the cluster's OIDC provider.
  trusted_subjects = {
    operator = ["system:serviceaccount:${var.operator_service_account.namespace}:${var.operator_service_account.name}"]
    model_fetch = [
      for ns in var.model_fetch_service_account.namespaces :
      "system:serviceaccount:${ns}:${var.model_fetch_service_account.name}"
    ]
  }
}

data "aws_iam_policy_document" "trust" {
  for_each = local.trusted_subjects
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [var.oidc_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${var.oidc_issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "${var.oidc_issuer}:sub"
      values   = each.value
    }
  }
}

# Shared by both roles: read model objects and manifests, read the index.
data "aws_iam_policy_document" "registry_read" {
  statement {
    sid       = "ListModelPrefixes"
    actions   = ["s3:ListBucket", "s3:ListBucketVersions"]
    resources = [var.bucket_arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["models/*"]
    }
  }
  statement {
    sid       = "ReadModelObjects"
    actions   = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes"]
    resources = ["${var.bucket_arn}/models/*"]
  }
  statement {
    sid       = "DecryptModelObjects"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = [local.s3_via]
    }
  }
  statement {
    sid       = "ReadIndex"
    actions   = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:DescribeTable"]
    resources = [var.table_arn]
  }
}

data "aws_iam_policy_document" "channel_write" {
  statement {
    sid       = "MoveChannelsAndAudit"
    actions   = ["dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:ConditionCheckItem"]
    resources = [var.table_arn]
  }
}

resource "aws_iam_role" "operator" {
  name               = "${var.name}-operator"
  assume_role_policy = data.aws_iam_policy_document.trust["operator"].json
  tags               = var.tags
}

resource "aws_iam_role_policy" "operator_registry_read" {
  name   = "registry-read"
  role   = aws_iam_role.operator.id
  policy = data.aws_iam_policy_document.registry_read.json
}

resource "aws_iam_role_policy" "operator_channel_write" {
  name   = "registry-channel-write"
  role   = aws_iam_role.operator.id
  policy = data.aws_iam_policy_document.channel_write.json
}

resource "aws_iam_role" "model_fetch" {
  name               = "${var.name}-model-fetch"
  assume_role_policy = data.aws_iam_policy_document.trust["model_fetch"].json
  tags               = var.tags
}

resource "aws_iam_role_policy" "model_fetch_registry_read" {
  name   = "registry-read"
  role   = aws_iam_role.model_fetch.id
  policy = data.aws_iam_policy_document.registry_read.json
}
