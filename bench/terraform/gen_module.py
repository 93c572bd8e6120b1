#!/usr/bin/env python3
"""Writes one Terraform module of N files into a folder: providers.tf (the
aws provider with default_tags) and N-1 files each holding a model, an
endpoint configuration referring to it and an endpoint referring to that,
with their own tags. The files carry no provider block, so each one's
resources take default_tags from providers.tf, which sorts after them.

usage: gen_module.py DIR N"""
import os
import sys

PROVIDERS = """provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      Project = "churn"
      Sponsor = "growth"
    }
  }
}
"""

FILE = """resource "aws_sagemaker_model" "m{i}" {{
  name                     = "model-{i}"
  execution_role_arn       = var.role_arn
  enable_network_isolation = true

  primary_container {{
    image          = var.image
    model_data_url = "s3://ourcoolcompany-models/m{i}/model.tar.gz"
  }}

  tags = {{
    "Cost Center" = "CC-{cc}"
  }}
}}

resource "aws_sagemaker_endpoint_configuration" "c{i}" {{
  name = "config-{i}"

  production_variants {{
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.m{i}.name
    instance_type          = "ml.m5.large"
    initial_instance_count = 1
  }}

  tags = {{
    "Cost Center" = "CC-100"
  }}
}}

resource "aws_sagemaker_endpoint" "e{i}" {{
  name                 = "endpoint-{i}"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.c{i}.name
}}
"""


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "providers.tf"), "w") as f:
        f.write(PROVIDERS)
    with open(os.path.join(out, "variables.tf"), "w") as f:
        f.write('variable "role_arn" {\n  type = string\n}\n\nvariable "image" {\n  type = string\n}\n')
    for i in range(n - 2):
        with open(os.path.join(out, "m%04d.tf" % i), "w") as f:
            f.write(FILE.format(i=i, cc=100 + 100 * (i % 2)))


if __name__ == "__main__":
    main()
