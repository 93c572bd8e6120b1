#!/usr/bin/env python3
"""Writes N CloudFormation templates (YAML, short-form tags) with 5-10
SageMaker resources each (models, endpoint configs, endpoints, processing
jobs) into OUTDIR, deterministically (seeded), for bench/iac/run.sh.

usage: gen_templates.py OUTDIR [N]
"""
import os
import random
import sys

INSTANCES = ["ml.m5.xlarge", "ml.c5.2xlarge", "ml.g5.xlarge", "ml.r5.large"]


def model(i, rnd):
    tags = "" if rnd.random() < 0.3 else f"""
      Tags:
        - Key: Project
          Value: churn-{i}
        - Key: Owner
          Value: !Ref Owner"""
    vpc = "" if rnd.random() < 0.5 else """
      VpcConfig:
        Subnets: !Ref SubnetIds
        SecurityGroupIds: [sg-0123abcd]"""
    return f"""
  Model{i}:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: !Ref RoleArn
      PrimaryContainer:
        Image: !Sub "${{AWS::AccountId}}.dkr.ecr.${{AWS::Region}}.amazonaws.com/m{i}:latest"
        ModelDataUrl: s3://ourcoolcompany-ml-models/m{i}/model.tar.gz
      EnableNetworkIsolation: {str(rnd.random() < 0.5).lower()}{vpc}{tags}
"""


def endpoint_config(i, rnd):
    kms = "" if rnd.random() < 0.5 else "\n      KmsKeyId: !Ref KmsKey"
    return f"""
  Config{i}:
    Type: AWS::SageMaker::EndpointConfig
    Properties:{kms}
      ProductionVariants:
        - VariantName: primary
          ModelName: !GetAtt Model{i}.ModelName
          InstanceType: {rnd.choice(INSTANCES)}
          InitialInstanceCount: {rnd.randint(1, 4)}
      Tags:
        - Key: Project
          Value: churn-{i}
"""


def endpoint(i, rnd):
    return f"""
  Endpoint{i}:
    Type: AWS::SageMaker::Endpoint
    Properties:
      EndpointName: !Sub "e{i}-${{AWS::StackName}}"
      EndpointConfigName: !GetAtt Config{i}.EndpointConfigName
"""


def processing(i, rnd):
    return f"""
  Prep{i}:
    Type: AWS::SageMaker::ProcessingJob
    Properties:
      RoleArn: !Ref RoleArn
      AppSpecification:
        ImageUri: 111122223333.dkr.ecr.us-east-1.amazonaws.com/prep:latest
      ProcessingResources:
        ClusterConfig:
          InstanceCount: 1
          InstanceType: {rnd.choice(INSTANCES)}
          VolumeSizeInGB: 30
      StoppingCondition:
        MaxRuntimeInSeconds: {rnd.choice([3600, 7200, 86400])}
"""


HEADER = """AWSTemplateFormatVersion: "2010-09-09"
Description: generated benchmark template {n}
Parameters:
  RoleArn:
    Type: String
  Owner:
    Type: String
  KmsKey:
    Type: String
  SubnetIds:
    Type: List<AWS::EC2::Subnet::Id>
Resources:"""


def template(n, rnd):
    want = rnd.randint(5, 10)
    parts = []
    i = 0
    while len(parts) < want:
        room = want - len(parts)
        if room >= 3 and rnd.random() < 0.7:
            parts += [model(i, rnd), endpoint_config(i, rnd), endpoint(i, rnd)]
        elif room >= 1 and rnd.random() < 0.5:
            parts.append(processing(i, rnd))
        else:
            parts.append(model(i, rnd))
        i += 1
    return HEADER.format(n=n) + "".join(parts)


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    os.makedirs(out, exist_ok=True)
    rnd = random.Random(19)
    for k in range(n):
        with open(os.path.join(out, f"t{k:04d}.yaml"), "w") as f:
            f.write(template(k, rnd))


if __name__ == "__main__":
    main()
