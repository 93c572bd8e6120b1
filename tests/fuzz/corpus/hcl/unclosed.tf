resource "aws_sagemaker_model" "m" {
  tags = {
    a = "b"
}
