# A fraud-scoring model and its endpoint, as a platform team writes them in
# Terraform. `sageguard check examples/terraform/` reads the resources as the
# SageMaker requests they create and checks them with the same policy as
# API requests; references (var.*, other resources) are left unresolved.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "execution_role_arn" {
  type = string
}

provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      Project        = "fraud"
      Sponsor        = "risk"
      "Project Lead" = "Grace Hopper"
      "Project Name" = "fraud-scoring"
      "Cost Center"  = "CC-200"
    }
  }
}

resource "aws_sagemaker_model" "fraud" {
  name               = "fraud-xgb"
  execution_role_arn = var.execution_role_arn

  primary_container {
    image          = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
    model_data_url = "s3://ourcoolcompany-models/fraud/model.tar.gz"
  }

  tags = {
    Contact = "risk-ml@ourcoolcompany.ai"
  }
}

resource "aws_sagemaker_endpoint_configuration" "fraud" {
  name = "fraud-xgb"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.fraud.name
    instance_type          = "ml.m5.large"
    initial_instance_count = 2
  }

  tags = {
    Contact = "risk-ml@ourcoolcompany.ai"
  }
}

resource "aws_sagemaker_endpoint" "fraud" {
  name                 = "fraud-xgb"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.fraud.name

  tags = {
    Contact = "risk-ml@ourcoolcompany.ai"
  }
}
