import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AnjuStack, STACK_ID } from './anju-stack';
import { ConfigurationError } from './config';

// One stage per synthesis: `-c stage=prod -c region=cn-northwest-1 ...` (infra/config.ts, docs/deploy.md).
const app = new App();
// `cdk synth -c nag=true` runs the AwsSolutions checks at synthesis (the infra tests always do).
if (app.node.tryGetContext('nag')) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
try {
  new AnjuStack(app, STACK_ID);
} catch (error) {
  if (!(error instanceof ConfigurationError)) throw error;
  // A setting the deployer must fix: the sentence alone, not a stack trace.
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
app.synth();
