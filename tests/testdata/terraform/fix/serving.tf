# Test data for `sageguard fix` on HCL: comments, a heredoc, an empty tags
# map in a run of arguments, a nested block without its KMS key, and a
# resource without tags of its own (the provider's default_tags in
# providers.tf supply some).

variable "role_arn" {
  type    = string
  default = "arn:aws:iam::111122223333:role/sagemaker-execution"
}

resource "aws_sagemaker_model" "scorer" {
  name                     = "scorer" # the model's name
  enable_network_isolation = false    # turned on by fix
  execution_role_arn       = var.role_arn

  primary_container {
    image = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
    environment = {
      SETUP = <<-EOT
        a = 1
        b = { c = 2 }
      EOT
    }
  }

  tags = {
    "Project Lead" = "Ada Lovelace" # owner
  }
}

resource "aws_sagemaker_endpoint_configuration" "scorer" {
  name = "scorer-config"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.scorer.name
    instance_type          = "ml.m5.large"
    initial_instance_count = 1
  }

  data_capture_config {
    destination_s3_uri          = "s3://ourcoolcompany-capture/scorer/"
    initial_sampling_percentage = 10

    capture_options {
      capture_mode = "Input"
    }
  }
}

resource "aws_sagemaker_endpoint" "scorer" {
  name                 = "scorer"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.scorer.name
  tags                 = {}
}
