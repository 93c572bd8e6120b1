"""The policy the gate tests share (launch through the CLI and the Python
package's guard): every practice on, values a fix can fill, a budget."""

GATE_POLICY = """version: 1
tags:
  required: [Project, "Cost Center", Contact]
  defaults:
    Contact: ml-platform@example.com
vpc:
  subnets: [subnet-0a1b2c3d, subnet-4e5f6a7b]
  security_groups: [sg-0123abcd]
  subnets_reach_s3: true   # they reach S3 (gateway endpoint), so fix may add the VPC
kms:
  volume_key: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
  output_key: arn:aws:kms:us-east-1:123456789012:key/5678efab-34cd-56ef-78ab-0987654321fe
spot:
  checkpoint_s3_prefix: s3://ml-checkpoints/
limits:
  max_job_cost_usd: 500
"""
