terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

# Fake static keys and every check that would reach AWS turned off: the
# tests plan this module offline.
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "AKIDEXAMPLEFAKEKEY00"
  secret_key                  = "fake-secret-key-for-offline-plans-only"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true

  default_tags {
    tags = {
      Project = "churn"
      Sponsor = "growth"
    }
  }
}
