#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IdempotencyBlueprintStack } from '../lib/blueprint-stack';

const app = new App();
new IdempotencyBlueprintStack(app, 'IdempotencyBlueprint', {
  // Environment-agnostic unless the CLI provides one: synth works offline with no credentials.
  env:
    process.env.CDK_DEFAULT_ACCOUNT && process.env.CDK_DEFAULT_REGION
      ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
      : undefined,
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
