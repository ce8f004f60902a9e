import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Environment, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GadgetSalesCdcStack } from '../../infra/lib/gadget-sales-cdc-stack.ts';
import { type StackConfigInput, StackConfigSchema } from '../../infra/lib/stack-config.ts';

/** cdk.json's context (the feature flags): the tests synthesize exactly what `cdk synth` does. */
const CDK_CONTEXT = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

export interface SynthesizedStack {
  readonly app: App;
  readonly stack: GadgetSalesCdcStack;
  readonly template: Template;
  /** The cloud assembly folder (holds `asset.<hash>/index.mjs`, the bundled transform). */
  readonly outdir: string;
  /** Removes the cloud assembly (and the bundled Lambda) from the temp folder. */
  dispose(): void;
}

export interface SynthOptions {
  /** Register cdk-nag's AwsSolutions pack as infra/bin/app.ts does. @default false */
  readonly nag?: boolean;
  /**
   * Bundle the transform with esbuild (about a second). A test that does not open the bundle can skip it: the
   * function then points at a placeholder asset, the template is otherwise the same.
   * @default true
   */
  readonly bundle?: boolean;
  /** The account and region, as `npm run deploy` gives them. @default environment-agnostic, as `npm run synth` */
  readonly env?: Environment;
  /**
   * Run CDK's builtin CloudFormation schema validation, as `npm run synth` does: an invalid property value (an
   * IAM description with a character IAM refuses, say) fails the synth. Loading the schemas costs about 5 s
   * the first time in a test file, under a second after. @default false
   */
  readonly validate?: boolean;
}

/**
 * Builds and synthesizes the stack once (call it in `beforeAll`): the transform is really bundled by esbuild
 * unless `bundle: false`. With `nag`, cdk-nag's AwsSolutions pack is registered as in infra/bin/app.ts, so any
 * unacknowledged finding makes the synth throw with the report; with `validate`, CDK's CloudFormation schema
 * check runs too (off by default: `npm run synth` runs it).
 */
export function synthStack(config: StackConfigInput = {}, options: SynthOptions = {}): SynthesizedStack {
  const outdir = mkdtempSync(join(tmpdir(), 'gadget-cdk-'));
  const context = options.bundle === false ? { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } : CDK_CONTEXT;
  const app = new App({ context, outdir, builtinCloudFormationValidation: options.validate ?? false });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new GadgetSalesCdcStack(app, 'GadgetSalesCdc', {
    config: StackConfigSchema.parse(config),
    ...(options.env ? { env: options.env } : {}),
  });
  const template = Template.fromStack(stack);
  return { app, stack, template, outdir, dispose: () => rmSync(outdir, { recursive: true, force: true }) };
}

/** The IAM statements of every role's inline policies and of every managed policy, with their owner. */
export function iamStatements(template: Template): { owner: string; statement: IamStatement }[] {
  const found: { owner: string; statement: IamStatement }[] = [];
  for (const [owner, role] of Object.entries(template.findResources('AWS::IAM::Role'))) {
    for (const policy of (role.Properties.Policies ?? []) as { PolicyDocument: PolicyDocument }[])
      for (const statement of policy.PolicyDocument.Statement) found.push({ owner, statement });
  }
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const [owner, policy] of Object.entries(template.findResources(type)))
      for (const statement of (policy.Properties.PolicyDocument as PolicyDocument).Statement)
        found.push({ owner, statement });
  }
  return found;
}

export interface IamStatement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}
interface PolicyDocument {
  readonly Statement: IamStatement[];
}

/** The logical id of the only resource of a type whose id starts with `prefix` (its construct path, joined). */
export function logicalId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1)
    throw new Error(`expected one ${type} named ${prefix}…, found ${ids.join(', ') || 'none'}`);
  return ids[0] as string;
}

/**
 * A resource expression as readable text: `{LakeBucket.Arn}/errors/*` (logical-id hashes dropped), as
 * test/infra/stack-security.test.ts reads its grants.
 */
export function renderExpression(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  const strip = (id: unknown) => String(id).replace(/[0-9A-F]{8}$/, '');
  if ('Ref' in node) return `{${strip(node.Ref)}}`;
  if ('Fn::GetAtt' in node) {
    const [id, attribute] = node['Fn::GetAtt'] as [string, string];
    return `{${strip(id)}.${attribute}}`;
  }
  if ('Fn::Join' in node) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(renderExpression).join(separator);
  }
  return JSON.stringify(value);
}

/**
 * The Allow grants of the roles whose logical id starts with `rolePrefix`, as `action → resources` (rendered,
 * sorted). Unlike a map from the last statement, an action granted by two statements lists the resources of both.
 */
export function grantsOf(template: Template, rolePrefix: string): Record<string, string[]> {
  const grants: Record<string, string[]> = {};
  for (const { owner, statement } of iamStatements(template)) {
    if (!owner.startsWith(rolePrefix) || statement.Effect !== 'Allow') continue;
    const resources = [statement.Resource].flat().map(renderExpression);
    for (const action of [statement.Action].flat())
      grants[action] = [...(grants[action] ?? []), ...resources].sort();
  }
  return grants;
}
