/**
 * The CDK app (`cdk.json`: `npx tsx infra/bin/app.ts`). `npm run synth` needs no credentials: without an
 * account and region the stack synthesizes environment-agnostic; `npm run deploy` deploys it to the account
 * and region of the current credentials (AWS_PROFILE / --profile), and refuses a region without EventBridge
 * Pipes (infra/lib/pipes-regions.ts; an environment-agnostic synth cannot know the region). Names and options
 * come from CDK context, see infra/lib/stack-config.ts and infra/README.md.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GadgetSalesCdcStack } from '../lib/gadget-sales-cdc-stack.ts';
import { stackConfigFromContext } from '../lib/stack-config.ts';

// Feature flags live in cdk.json's context (the recommended set of aws-cdk-lib 2.276, frozen there).
const app = new App();
// cdk-nag's AwsSolutions rules run at every synth: an unacknowledged finding fails `cdk synth` and `cdk deploy`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

const config = stackConfigFromContext((key) => app.node.tryGetContext(key));
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
new GadgetSalesCdcStack(app, config.stackName, {
  config,
  ...(account && region ? { env: { account, region } } : {}),
});
app.synth();
