variable "role_arn" {
  type    = string
  default = "arn:aws:iam::111122223333:role/sagemaker-execution"
}

variable "image" {
  type    = string
  default = "111122223333.dkr.ecr.us-east-1.amazonaws.com/churn:1"
}

locals {
  subnets = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
}

# Network isolation off, no VPC, and one required tag missing.
resource "aws_sagemaker_model" "churn" {
  name                     = "churn-model"
  execution_role_arn       = var.role_arn
  enable_network_isolation = false

  primary_container {
    image          = var.image
    model_data_url = "s3://ourcoolcompany-models/churn/model.tar.gz"
    environment = {
      LOG_LEVEL = "info"
    }
  }

  tags = {
    "Project Lead" = "Ada Lovelace"
    "Cost Center"  = "CC-999"
  }
}

# Compliant but for the KMS key, which is a reference (unresolved).
resource "aws_sagemaker_model" "scorer" {
  name                     = "scorer-model"
  execution_role_arn       = var.role_arn
  enable_network_isolation = true

  container {
    image = var.image
  }

  vpc_config {
    subnets            = local.subnets
    security_group_ids = ["sg-0123abcd"]
  }
}

resource "aws_kms_key" "endpoint" {
  description = "endpoint volumes"
}

resource "aws_sagemaker_endpoint_configuration" "churn" {
  name        = "churn-config"
  kms_key_arn = aws_kms_key.endpoint.arn

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.churn.name
    instance_type          = "ml.m5.large"
    initial_instance_count = 1
  }

  data_capture_config {
    destination_s3_uri          = "s3://ourcoolcompany-capture/churn/"
    initial_sampling_percentage = 10

    capture_options {
      capture_mode = "Input"
    }
  }

  tags = {
    Contact = "ml-platform@ourcoolcompany.ai"
  }
}

# No KMS key at all, a GPU outside the allowed families.
resource "aws_sagemaker_endpoint_configuration" "open" {
  production_variants {
    model_name             = aws_sagemaker_model.scorer.name
    instance_type          = "ml.r5.large"
    initial_instance_count = 1
  }
}

resource "aws_sagemaker_endpoint" "churn" {
  name                 = "churn"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.churn.name
}

resource "aws_sagemaker_pipeline" "retrain" {
  pipeline_name         = "churn-retrain"
  pipeline_display_name = "churn-retrain"
  role_arn              = var.role_arn

  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{
      Name = "Train"
      Type = "Training"
      Arguments = {
        AlgorithmSpecification = {
          TrainingImage     = var.image
          TrainingInputMode = "File"
        }
        RoleArn = var.role_arn
        OutputDataConfig = {
          S3OutputPath = "s3://ourcoolcompany-models/churn/"
        }
        ResourceConfig = {
          InstanceType   = "ml.m5.xlarge"
          InstanceCount  = 1
          VolumeSizeInGB = 30
        }
        StoppingCondition = {
          MaxRuntimeInSeconds = 3600
        }
      }
    }]
  })
}
