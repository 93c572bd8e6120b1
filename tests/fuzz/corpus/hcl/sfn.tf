# Planning a state machine asks AWS to validate its definition
# (ValidateStateMachineDefinition): offline plans leave this file out.
resource "aws_sfn_state_machine" "deploy" {
  name     = "churn-deploy"
  role_arn = var.role_arn

  definition = jsonencode({
    StartAt = "CreateModel"
    States = {
      CreateModel = {
        Type     = "Task"
        Resource = "arn:aws:states:::sagemaker:createModel"
        Parameters = {
          ModelName        = "churn-from-sfn"
          ExecutionRoleArn = var.role_arn
          PrimaryContainer = {
            Image = var.image
          }
        }
        End = true
      }
    }
  })
}
