terraform {
  required_version = ">= 1.6.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0, < 7.0"
    }
    helm = {
      source  = "hashicorp/helm"
      version = ">= 3.0, < 4.0"
    }
  }

  # Keep state in S3 with a lock (create the bucket once, by hand or from a bootstrap stack):
  # backend "s3" {
  #   bucket       = "my-terraform-state"
  #   key          = "switchyard/example.tfstate"
  #   region       = "us-east-1"
  #   use_lockfile = true
  #   encrypt      = true
  # }
}
