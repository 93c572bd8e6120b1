resource "aws_sagemaker_model" "m" {
  count              = 2
  execution_role_arn = var.role
  primary_container {
    image = var.image
  }
  tags = {
    Project = "churn"
    Owner   = var.owner
  }
}

resource "aws_sagemaker_endpoint_configuration" "c" {
  production_variants {
    model_name             = aws_sagemaker_model.m[0].name
    instance_type          = "ml.m5.large"
    initial_instance_count = 1
  }
  tags = {
    Project = "fraud"
  }
}

resource "aws_sagemaker_endpoint" "e" {
  endpoint_config_name = aws_sagemaker_endpoint_configuration.c.id
}
