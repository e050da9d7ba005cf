import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AnjuStack, STACK_ID } from './anju-stack';

// Environment-agnostic: the same template deploys to any account and region, and feeds local mode.
const app = new App();
// `cdk synth -c nag=true` runs the AwsSolutions checks at synthesis (the infra tests always do).
if (app.node.tryGetContext('nag')) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
new AnjuStack(app, STACK_ID);
app.synth();
