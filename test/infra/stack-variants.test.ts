import { readFileSync } from 'node:fs';
import { App, Token } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GadgetSalesCdcStack } from '../../infra/lib/gadget-sales-cdc-stack.ts';
import { PIPES_UNAVAILABLE_REGIONS } from '../../infra/lib/pipes-regions.ts';
import {
  CONTEXT_KEYS,
  type StackConfigInput,
  StackConfigSchema,
  stackConfigFromContext,
} from '../../infra/lib/stack-config.ts';
import { type SynthesizedStack, type SynthOptions, synthStack } from './synth-stack.ts';

/**
 * Every deployment the READMEs show synthesizes as `npm run synth` would (cdk-nag and CDK's CloudFormation
 * schema check included), and what IAM and the regions would refuse at deploy time is refused here first.
 */
const READMES = ['README.md', 'infra/README.md'];
const ACCOUNT = '123456789012';

interface Variant {
  readonly label: string;
  readonly context: Record<string, string>;
  readonly config: StackConfigInput;
  readonly env?: SynthOptions['env'];
}

/**
 * The `-c key=value` runs the READMEs show (in commands and in inline code, across line breaks), each as the
 * CLI would pass it; a run with a placeholder value (`…`, `<address>`) is a description, not an example.
 */
function readmeRuns(): { label: string; context: Record<string, string> }[] {
  return READMES.flatMap((file) => {
    const text = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
    return [...text.matchAll(/-c\s+\w+=[^\s`|]+(?:\s+-c\s+\w+=[^\s`|]+)*/g)].flatMap(([run]) => {
      const pairs = [...run.matchAll(/-c\s+(\w+)=([^\s`|]+)/g)].map(([, key, value]) => [key, value]);
      if (pairs.some(([, value]) => /…|^<.*>$/.test(value as string))) return [];
      return [{ label: `${file}: ${run.replace(/\s+/g, ' ')}`, context: Object.fromEntries(pairs) }];
    });
  });
}

/** Each distinct deployment among the runs, synthesized once. */
function readmeVariants(): Variant[] {
  const variants = new Map<string, Variant>();
  for (const { label, context } of readmeRuns()) {
    const config = stackConfigFromContext((key) => context[key]);
    const key = JSON.stringify(config);
    if (!variants.has(key)) variants.set(key, { label, context, config });
  }
  return [...variants.values()];
}

const EVERY_OPTION: Variant = {
  label: `every option, in eu-west-1 (account ${ACCOUNT})`,
  context: {},
  config: {
    tableName: 'Orders',
    deliveryStreamName: 'orders-lake',
    crawler: true,
    alarmEmail: 'ops@example.com',
    sourceBackup: true,
    currentState: 'iceberg',
  },
  env: { account: ACCOUNT, region: 'eu-west-1' },
};

const variants = [...readmeVariants(), EVERY_OPTION];
const synthesized = new Map<string, SynthesizedStack>();
beforeAll(() => {
  for (const variant of variants)
    synthesized.set(
      variant.label,
      synthStack(variant.config, { nag: true, validate: true, bundle: false, env: variant.env }),
    );
});
afterAll(() => {
  for (const stack of synthesized.values()) stack.dispose();
});

describe('the deployments the READMEs show', () => {
  it('show every context option, each with a value the stack accepts, and no other key', () => {
    // A key no option reads (a typo) would be ignored by the app: here it fails.
    const keys = new Set(readmeRuns().flatMap(({ context }) => Object.keys(context)));
    expect([...keys].sort()).toEqual(Object.values(CONTEXT_KEYS).sort());
    // The deploy example of infra/README.md, which failed on its crawler role once.
    expect(readmeVariants().map(({ config }) => config)).toContainEqual(
      expect.objectContaining({ tableName: 'Orders', workGroupName: 'analytics', crawler: true }),
    );
  });

  it.each(
    variants.map((variant) => [variant.label, variant]),
  )('synthesizes %s, cdk-nag and CloudFormation schema clean', (label) => {
    const stack = synthesized.get(label);
    expect(stack?.template.toJSON().Resources).toBeDefined();
    // A schema error would have failed the synth; warnings are reported in the cloud assembly.
    const report = JSON.parse(readFileSync(`${stack?.outdir}/validation-report.json`, 'utf8')) as {
      pluginReports: { pluginName: string; violations: { ruleName: string; severity: string }[] }[];
    };
    const errors = report.pluginReports.flatMap(({ pluginName, violations }) =>
      violations
        .filter(({ severity }) => severity === 'error')
        .map(({ ruleName }) => `${pluginName} ${ruleName}`),
    );
    expect(errors).toEqual([]);
  });
});

describe('IAM descriptions', () => {
  // IAM's pattern for a role's (and a managed policy's) Description: tab, LF, CR, U+0020–U+007E, U+00A1–U+00FF.
  const IAM_DESCRIPTION = /^[\t\n\r\u0020-\u007E\u00A1-\u00FF]{0,1000}$/;
  const strings = (value: unknown): string[] =>
    typeof value === 'string'
      ? [value]
      : Array.isArray(value)
        ? value.flatMap(strings)
        : value && typeof value === 'object'
          ? Object.values(value).flatMap(strings)
          : [];

  it.each(variants.map((variant) => [variant.label, variant]))('are all ones IAM accepts in %s', (label) => {
    const { template } = synthesized.get(label) as SynthesizedStack;
    const descriptions = ['AWS::IAM::Role', 'AWS::IAM::ManagedPolicy'].flatMap((type) =>
      Object.entries(template.findResources(type)).map(([id, resource]) => ({
        id,
        text: strings(resource.Properties?.Description).join(''),
      })),
    );
    expect(descriptions.length).toBeGreaterThan(0);
    for (const { id, text } of descriptions) expect(text, id).toMatch(IAM_DESCRIPTION);
  });
});

describe('regions', () => {
  it.each(PIPES_UNAVAILABLE_REGIONS)('refuses %s, where EventBridge Pipes is not available', (region) => {
    const app = new App();
    expect(
      () =>
        new GadgetSalesCdcStack(app, 'GadgetSalesCdc', {
          config: StackConfigSchema.parse({}),
          env: { account: ACCOUNT, region },
        }),
    ).toThrow(new RegExp(`EventBridge Pipes \\(AWS::Pipes::Pipe\\) is not available in ${region}`));
  });

  it('builds in a region that has Pipes, and environment-agnostic (the region unknown until deploy)', () => {
    expect(synthesized.get(EVERY_OPTION.label)?.stack.region).toBe('eu-west-1');
    const agnostic = variants.find(({ env }) => env === undefined) as Variant;
    expect(Token.isUnresolved(synthesized.get(agnostic.label)?.stack.region)).toBe(true);
  });
});
