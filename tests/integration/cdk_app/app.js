// A CDK app for the integration tests: SageMaker L1 constructs (a model, an
// endpoint config, an endpoint) and a Step Functions state machine with a
// SageMaker training task, as a team would write them. Synthesized with
// `node app.js OUTDIR` (no CDK CLI needed); test_iac_cdk.py checks the
// templates in OUTDIR with sageguard.
const cdk = require("aws-cdk-lib");
const iam = require("aws-cdk-lib/aws-iam");
const sagemaker = require("aws-cdk-lib/aws-sagemaker");
const sfn = require("aws-cdk-lib/aws-stepfunctions");
const tasks = require("aws-cdk-lib/aws-stepfunctions-tasks");

const outdir = process.argv[2];
if (!outdir) {
  console.error("usage: node app.js OUTDIR");
  process.exit(2);
}
const app = new cdk.App({ outdir });
const stack = new cdk.Stack(app, "ChurnStack", {
  env: { account: "111122223333", region: "us-east-1" },
});

const role = new iam.Role(stack, "ModelRole", {
  assumedBy: new iam.ServicePrincipal("sagemaker.amazonaws.com"),
});

const model = new sagemaker.CfnModel(stack, "ChurnModel", {
  executionRoleArn: role.roleArn,
  primaryContainer: {
    image: "111122223333.dkr.ecr.us-east-1.amazonaws.com/churn:latest",
    modelDataUrl: "s3://ourcoolcompany-ml-models/churn/model.tar.gz",
  },
  tags: [{ key: "Project", value: "churn" }],
});

const config = new sagemaker.CfnEndpointConfig(stack, "ChurnEndpointConfig", {
  productionVariants: [
    {
      variantName: "primary",
      modelName: model.attrModelName,
      instanceType: "ml.m5.xlarge",
      initialInstanceCount: 1,
    },
  ],
});

new sagemaker.CfnEndpoint(stack, "ChurnEndpoint", {
  endpointName: "churn-prod",
  endpointConfigName: config.attrEndpointConfigName,
});

const train = new tasks.SageMakerCreateTrainingJob(stack, "TrainChurn", {
  trainingJobName: sfn.JsonPath.stringAt("$.jobName"),
  algorithmSpecification: {
    trainingImage: tasks.DockerImage.fromRegistry(
      "111122223333.dkr.ecr.us-east-1.amazonaws.com/churn-train:latest"),
    trainingInputMode: tasks.InputMode.FILE,
  },
  inputDataConfig: [
    {
      channelName: "train",
      dataSource: {
        s3DataSource: {
          s3Location: tasks.S3Location.fromJsonExpression("$.trainData"),
        },
      },
    },
  ],
  outputDataConfig: {
    s3OutputLocation: tasks.S3Location.fromJsonExpression("$.outputPath"),
  },
  resourceConfig: {
    instanceCount: 1,
    instanceType: new cdk.aws_ec2.InstanceType("p3.2xlarge"),
    volumeSize: cdk.Size.gibibytes(50),
  },
  stoppingCondition: { maxRuntime: cdk.Duration.hours(2) },
  integrationPattern: sfn.IntegrationPattern.RUN_JOB,
});

new sfn.StateMachine(stack, "TrainingPipeline", {
  definitionBody: sfn.DefinitionBody.fromChainable(train),
});

app.synth();
