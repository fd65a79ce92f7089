# One environment: VPC -> EKS (system + GPU node groups) -> registry storage -> IRSA roles -> add-ons and
# Switchyard. docs/getting-started-eks.md walks through it.

provider "aws" {
  region = var.region
  default_tags {
    tags = local.tags
  }
}

locals {
  tags = { "app.kubernetes.io/part-of" = "switchyard", environment = var.name }
  repo = "${path.module}/../../.."
}

module "vpc" {
  source             = "../../modules/vpc"
  name               = var.name
  availability_zones = var.availability_zones
}

module "eks" {
  source                       = "../../modules/eks"
  name                         = var.name
  vpc_id                       = module.vpc.vpc_id
  subnet_ids                   = module.vpc.private_subnet_ids
  endpoint_public_access_cidrs = var.api_endpoint_cidrs
}

module "registry" {
  source      = "../../modules/registry"
  bucket_name = var.registry_bucket_name
  table_name  = "${var.name}-registry"
}

module "irsa" {
  source            = "../../modules/irsa"
  name              = var.name
  oidc_provider_arn = module.eks.oidc_provider_arn
  oidc_issuer       = module.eks.oidc_issuer
  operator_service_account = {
    namespace = "switchyard"
    name      = "switchyard-operator"
  }
  model_fetch_service_account = {
    namespaces = var.model_namespaces
    name       = "switchyard-model-fetch"
  }
  bucket_arn  = module.registry.bucket_arn
  table_arn   = module.registry.table_arn
  kms_key_arn = module.registry.kms_key_arn
}

provider "helm" {
  kubernetes = {
    host                   = module.eks.cluster_endpoint
    cluster_ca_certificate = base64decode(module.eks.cluster_certificate_authority_data)
    exec = {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "aws"
      args        = ["eks", "get-token", "--cluster-name", module.eks.cluster_name, "--region", var.region]
    }
  }
}

module "addons" {
  source                 = "../../modules/addons"
  chart_path             = "${local.repo}/charts/switchyard"
  observability_path     = "${local.repo}/observability"
  switchyard_namespace   = "switchyard"
  model_namespaces       = var.model_namespaces
  operator_role_arn      = module.irsa.operator_role_arn
  model_fetch_role_arn   = module.irsa.model_fetch_role_arn
  registry_bucket        = module.registry.bucket_name
  registry_table         = module.registry.table_name
  aws_region             = var.region
  redis_url              = var.redis_url
  grafana_admin_password = var.grafana_admin_password
  switchyard_values = {
    gateway = { auth = { keys = var.gateway_api_keys } }
  }

  # Helm needs nodes to schedule on and the GPU groups for the device plugin.
  depends_on = [module.eks]
}
