# aws_sagemaker_training_job is a resource of the AWS provider 6; the tests
# fix and format-check it but cannot `terraform validate` it with 5.100.
resource "aws_sagemaker_training_job" "churn" {
  training_job_name = "churn-train"
  role_arn          = "arn:aws:iam::111122223333:role/sagemaker-execution"

  algorithm_specification {
    training_image      = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
    training_input_mode = "File"
  }

  output_data_config {
    s3_output_path = "s3://ourcoolcompany-models/churn/"
  }

  resource_config {
    instance_type     = "ml.m5.xlarge"
    instance_count    = 1
    volume_size_in_gb = 30
  }

  stopping_condition {
    max_runtime_in_seconds = 3600
  }

  tags = { Contact = "ml-platform@ourcoolcompany.ai" }
}
