import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackConfigFromContext } from '../../infra/lib/stack-config.ts';
import { PROOF_ENV } from '../../src/observe/proof-config.ts';
import type { proofHandler } from '../../src/observe/proof-handler.ts';
import { VirtualClock } from '../helpers/virtual-clock.ts';
import {
  grantsOf,
  iamStatements,
  logicalId,
  renderExpression,
  type SynthesizedStack,
  synthStack,
} from './synth-stack.ts';

/**
 * `-c proof=true`: the standing proof (infra/lib/proof-function.ts, infra/lib/proof-alarms.ts) — a Lambda on an
 * EventBridge Scheduler schedule, least privilege, seven alarms on the pipeline's topic, cdk-nag clean. Off (the
 * default), the stack is exactly what it was.
 */
let off: SynthesizedStack;
let explicitOff: SynthesizedStack;
let on: SynthesizedStack;
let iceberg: SynthesizedStack;
let halfHourly: SynthesizedStack;
beforeAll(() => {
  off = synthStack({}, { bundle: false });
  explicitOff = synthStack({ proof: false, proofSchedule: '2hours' }, { bundle: false });
  // With cdk-nag and CloudFormation's schema check: an unacknowledged finding or an invalid property fails this.
  on = synthStack({ proof: true }, { nag: true, validate: true, bundle: false });
  iceberg = synthStack({ proof: true, currentState: 'iceberg' }, { nag: true, bundle: false });
  halfHourly = synthStack({ proof: true, proofSchedule: 'rate(30 minutes)' }, { bundle: false });
});
afterAll(() => {
  for (const stack of [off, explicitOff, on, iceberg, halfHourly]) stack?.dispose();
});

const ref = (stack: SynthesizedStack, type: string, prefix: string) => ({
  Ref: logicalId(stack.template, type, prefix),
});
const getAtt = (stack: SynthesizedStack, type: string, prefix: string) => ({
  'Fn::GetAtt': [logicalId(stack.template, type, prefix), 'Arn'],
});
const alarmsOf = (stack: SynthesizedStack) =>
  Object.values(stack.template.findResources('AWS::CloudWatch::Alarm')).map(
    (alarm) => alarm.Properties as Record<string, unknown>,
  );
const proofAlarms = (stack: SynthesizedStack) =>
  alarmsOf(stack).filter((alarm) => String(alarm.AlarmName).startsWith('GadgetSalesCdc-Proof'));

describe('with the proof off (the default)', () => {
  it('synthesizes the same template as an explicit proof=false, whatever the schedule', () => {
    expect(off.template.toJSON()).toEqual(explicitOff.template.toJSON());
  });

  it('has no proof function, schedule, role or alarm', () => {
    const json = JSON.stringify(off.template.toJSON());
    expect(json).not.toMatch(/Proof|proof|Scheduler/);
    off.template.resourceCountIs('AWS::Scheduler::Schedule', 0);
    off.template.resourceCountIs('AWS::Lambda::Function', 1);
  });
});

describe('with -c proof=true', () => {
  it('adds only its own resources, and changes none of the stack without it', () => {
    const before = off.template.toJSON();
    const after = on.template.toJSON();
    for (const [id, resource] of Object.entries(before.Resources as Record<string, unknown>))
      expect(after.Resources[id], id).toEqual(resource);
    expect(after.Outputs).toEqual(before.Outputs);
    const added = Object.keys(after.Resources).filter((id) => !(id in before.Resources));
    expect(added.map((id) => [id.replace(/[0-9A-F]{8}$/, ''), after.Resources[id].Type]).sort()).toEqual(
      [
        ['ProofFunction', 'AWS::Lambda::Function'],
        ['ProofFunctionEventInvokeConfig', 'AWS::Lambda::EventInvokeConfig'],
        ['ProofLogs', 'AWS::Logs::LogGroup'],
        ['ProofRole', 'AWS::IAM::Role'],
        ['ProofSchedulerRole', 'AWS::IAM::Role'],
        ['ProofSchedule', 'AWS::Scheduler::Schedule'],
        ...[
          'LostOrders',
          'UnexpectedOrders',
          'DifferentOrders',
          'Stale',
          'MarkersNotSeen',
          'Errors',
          'NotRun',
        ].map((symptom) => [`ProofAlarms${symptom}`, 'AWS::CloudWatch::Alarm']),
      ].sort(),
    );
  });

  it('runs the bundled proof handler on the transform’s runtime and architecture, told the names by its environment', () => {
    const { template } = on;
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'orders-cdc-proof',
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 1024,
      Timeout: 900,
      Role: getAtt(on, 'AWS::IAM::Role', 'ProofRole'),
      LoggingConfig: { LogGroup: ref(on, 'AWS::Logs::LogGroup', 'ProofLogs') },
      Environment: {
        Variables: {
          NODE_OPTIONS: '--enable-source-maps',
          [PROOF_ENV.tableName]: ref(on, 'AWS::DynamoDB::GlobalTable', 'OrdersTable'),
          [PROOF_ENV.workGroup]: ref(on, 'AWS::Athena::WorkGroup', 'AthenaWorkGroup'),
          [PROOF_ENV.database]: ref(on, 'AWS::Glue::Database', 'CatalogDatabase'),
          [PROOF_ENV.settleSeconds]: '300',
          [PROOF_ENV.heartbeatMarkers]: '1',
          [PROOF_ENV.heartbeatPollSeconds]: '15',
          // 15 minutes less 3 kept back: under the lake's 15-minute freshness threshold.
          [PROOF_ENV.heartbeatTimeoutSeconds]: '720',
        },
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/lambda/orders-cdc-proof',
      RetentionInDays: 30,
    });
    // A failed run is not retried by Lambda's asynchronous invocation: the next scheduled run is the retry.
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: ref(on, 'AWS::Lambda::Function', 'ProofFunction'),
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 3600,
      Qualifier: '$LATEST',
    });
  });

  it('invokes it on an EventBridge Scheduler schedule, every hour by default, with a role of its own', () => {
    on.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'orders-cdc-proof',
      ScheduleExpression: 'rate(1 hour)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: getAtt(on, 'AWS::Lambda::Function', 'ProofFunction'),
        RoleArn: getAtt(on, 'AWS::IAM::Role', 'ProofSchedulerRole'),
        // A run that could not start within its interval gives way to the next.
        RetryPolicy: { MaximumEventAgeInSeconds: 3600 },
      },
    });
    halfHourly.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(30 minutes)',
      Target: Match.objectLike({ RetryPolicy: { MaximumEventAgeInSeconds: 1800 } }),
    });
  });
});

describe('least privilege', () => {
  const glue = 'arn:{AWS::Partition}:glue:{AWS::Region}:{AWS::AccountId}';
  const workGroup = [
    'arn:{AWS::Partition}:athena:{AWS::Region}:{AWS::AccountId}:workgroup/{AthenaWorkGroup}',
  ];
  const table = ['{OrdersTable.Arn}'];
  const catalog = (...tables: string[]) =>
    [
      `${glue}:catalog`,
      `${glue}:database/{CatalogDatabase}`,
      ...tables.map((name) => `${glue}:table/{CatalogDatabase}/${name}`),
    ].sort();
  const results = ['{AthenaResults.Arn}/*'];
  const expected = (tables: string[], objects: string[]) => ({
    'dynamodb:DescribeTable': table,
    'dynamodb:Scan': table,
    'dynamodb:BatchGetItem': table,
    'dynamodb:PutItem': table,
    'dynamodb:DeleteItem': table,
    'athena:StartQueryExecution': workGroup,
    'athena:GetQueryExecution': workGroup,
    'athena:GetQueryResults': workGroup,
    'athena:StopQueryExecution': workGroup,
    'glue:GetDatabase': catalog(...tables),
    'glue:GetTable': catalog(...tables),
    'glue:GetPartitions': catalog(...tables),
    'glue:GetPartition': catalog(...tables),
    's3:GetBucketLocation': ['{AthenaResults.Arn}', '{LakeBucket.Arn}'],
    's3:ListBucket': ['{AthenaResults.Arn}', '{LakeBucket.Arn}'],
    's3:ListBucketMultipartUploads': ['{AthenaResults.Arn}'],
    's3:GetObject': [...results, ...objects].sort(),
    's3:PutObject': results,
    's3:AbortMultipartUpload': results,
    's3:ListMultipartUploadParts': results,
    'logs:CreateLogStream': ['{ProofLogs.Arn}'],
    'logs:PutLogEvents': ['{ProofLogs.Arn}'],
  });

  it('lets the function read the table, query only in its workgroup, read only orders_cdc, write only results', () => {
    expect(grantsOf(on.template, 'ProofRole')).toEqual(
      expected(['{CatalogOrdersCdcTable}'], ['{LakeBucket.Arn}/orders_cdc/*']),
    );
  });

  it('lets it write and delete only heartbeat markers: items whose key starts with heartbeat#', () => {
    const conditional = iamStatements(on.template).filter(
      ({ owner, statement }) => owner.startsWith('ProofRole') && statement.Condition !== undefined,
    );
    expect(conditional.map(({ statement }) => [statement.Action, statement.Condition])).toEqual([
      [
        ['dynamodb:DeleteItem', 'dynamodb:PutItem'],
        { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['heartbeat#*'] } },
      ],
    ]);
  });

  it('grants the current-state table and its objects too with -c currentState=iceberg', () => {
    expect(grantsOf(iceberg.template, 'ProofRole')).toEqual(
      expected(
        ['{CatalogOrdersCdcTable}', 'current_orders_state'],
        ['{LakeBucket.Arn}/current_orders_state/*', '{LakeBucket.Arn}/orders_cdc/*'],
      ),
    );
    iceberg.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'orders-cdc-proof',
      Environment: { Variables: Match.objectLike({ [PROOF_ENV.currentStateTable]: 'current_orders_state' }) },
    });
  });

  it('lets the schedule invoke only the proof function, for schedules of this account only', () => {
    expect(grantsOf(on.template, 'ProofSchedulerRole')).toEqual({
      'lambda:InvokeFunction': ['{ProofFunction.Arn}'],
    });
    const trust = (prefix: string) => {
      const role =
        on.template.findResources('AWS::IAM::Role')[logicalId(on.template, 'AWS::IAM::Role', prefix)];
      const [statement, ...others] = role?.Properties.AssumeRolePolicyDocument.Statement ?? [];
      expect(others).toEqual([]);
      return statement;
    };
    expect(trust('ProofRole').Principal).toEqual({ Service: 'lambda.amazonaws.com' });
    expect(trust('ProofRole').Condition).toBeUndefined();
    const scheduler = trust('ProofSchedulerRole');
    expect(scheduler.Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
    expect(scheduler.Condition.StringEquals['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
    expect(renderExpression(scheduler.Condition.StringEquals['aws:SourceArn'])).toBe(
      'arn:{AWS::Partition}:scheduler:{AWS::Region}:{AWS::AccountId}:schedule-group/default',
    );
  });

  it('still allows Resource "*" nowhere but dynamodb:ListStreams, inline policies only', () => {
    for (const stack of [on, iceberg]) {
      const unscoped = iamStatements(stack.template)
        .map(({ statement }) => statement)
        .filter((statement) => [statement.Resource].flat().includes('*'));
      expect(unscoped.map((statement) => statement.Action)).toEqual(['dynamodb:ListStreams']);
      stack.template.resourceCountIs('AWS::IAM::Policy', 0);
      stack.template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    }
  });
});

describe('alarms', () => {
  const proofDimension = (stack: SynthesizedStack) => [
    { Name: 'TableName', Value: ref(stack, 'AWS::DynamoDB::GlobalTable', 'OrdersTable') },
  ];
  // [symptom, namespace, metric, statistic, comparison, threshold, evaluation periods, missing data]
  it.each([
    [
      'LostOrders',
      'GadgetSalesCdc/Proof',
      'LostOrders',
      'Maximum',
      'GreaterThanThreshold',
      0,
      1,
      'notBreaching',
    ],
    [
      'UnexpectedOrders',
      'GadgetSalesCdc/Proof',
      'UnexpectedOrders',
      'Maximum',
      'GreaterThanThreshold',
      0,
      1,
      'notBreaching',
    ],
    [
      'DifferentOrders',
      'GadgetSalesCdc/Proof',
      'DifferentOrders',
      'Maximum',
      'GreaterThanThreshold',
      0,
      1,
      'notBreaching',
    ],
    [
      'Stale',
      'GadgetSalesCdc/Proof',
      'FreshnessSeconds',
      'Maximum',
      'GreaterThanOrEqualToThreshold',
      720,
      1,
      'notBreaching',
    ],
    [
      'MarkersNotSeen',
      'GadgetSalesCdc/Proof',
      'MarkersNotSeen',
      'Maximum',
      'GreaterThanThreshold',
      0,
      1,
      'notBreaching',
    ],
    ['Errors', 'AWS/Lambda', 'Errors', 'Sum', 'GreaterThanThreshold', 0, 1, 'notBreaching'],
    // No verdict for two intervals running: the one alarm for which missing data is the symptom.
    ['NotRun', 'GadgetSalesCdc/Proof', 'LostOrders', 'SampleCount', 'LessThanThreshold', 1, 2, 'breaching'],
  ])('Proof%s watches %s %s', (symptom, Namespace, MetricName, Statistic, ComparisonOperator, Threshold, EvaluationPeriods, TreatMissingData) => {
    const Dimensions =
      Namespace === 'AWS/Lambda'
        ? [{ Name: 'FunctionName', Value: ref(on, 'AWS::Lambda::Function', 'ProofFunction') }]
        : proofDimension(on);
    on.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `GadgetSalesCdc-Proof${symptom}`,
      Namespace,
      MetricName,
      Dimensions,
      Statistic,
      ComparisonOperator,
      Threshold,
      EvaluationPeriods,
      TreatMissingData,
      // One schedule interval: one run's values per period.
      Period: 3600,
    });
  });

  it('adds exactly those seven to the lake’s eleven, each notifying the alarm topic into ALARM and back to OK', () => {
    expect(proofAlarms(on)).toHaveLength(7);
    expect(alarmsOf(on)).toHaveLength(18);
    const topic = ref(on, 'AWS::SNS::Topic', 'AlarmTopic');
    for (const alarm of proofAlarms(on)) {
      expect(alarm.AlarmActions).toEqual([topic]);
      expect(alarm.OKActions).toEqual([topic]);
    }
  });

  it('holds the heartbeat to the lake’s freshness threshold, as much of it as a run can watch', () => {
    const threshold = (name: string) =>
      alarmsOf(on).find((alarm) => alarm.AlarmName === name)?.Threshold as number;
    expect(threshold('GadgetSalesCdc-ProofStale')).toBeLessThanOrEqual(threshold('GadgetSalesCdc-LakeStale'));
    expect(threshold('GadgetSalesCdc-ProofStale')).toBe(720);
  });

  it('looks at periods of the schedule’s interval', () => {
    for (const alarm of proofAlarms(halfHourly)) expect(alarm.Period).toBe(1800);
  });
});

describe('cdk-nag AwsSolutions', () => {
  /** The proof's acknowledgements (construct path, rule id) and what the pack finds there with none of them. */
  function proofFindings(stack: SynthesizedStack) {
    const acknowledged = stack.app.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) =>
          Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
            at: `${id.replace(/^annotation::/i, '')} @ ${construct.node.path}`,
            reason,
          })),
        ),
    );
    const raw = new AwsSolutionsChecks();
    Object.assign(raw, { isAcknowledged: () => false });
    const found = raw
      .validateScope(stack.app)
      .violations.flatMap((violation) =>
        violation.violatingResources.map(
          (resource) =>
            `${violation.ruleName} @ ${(resource.constructPath ?? '').replace(/\/Resource$/, '')}`,
        ),
      );
    const isProof = (at: string) => at.includes('/Proof');
    return {
      acknowledged: acknowledged.filter(({ at }) => isProof(at)),
      found: found.filter(isProof).sort(),
    };
  }

  it.each([
    ['the default', () => on],
    ['-c currentState=iceberg', () => iceberg],
  ])('finds nothing unacknowledged with %s', (_label, stack) => {
    const { violations } = new AwsSolutionsChecks().validateScope(stack().app);
    expect(violations.map((v) => `${v.ruleName} at ${v.violatingResources[0]?.constructPath}`)).toEqual([]);
  });

  it('acknowledges only the grants on object prefixes, each justified, each answering a real finding', () => {
    const { acknowledged, found } = proofFindings(iceberg);
    for (const { reason } of acknowledged) expect(reason.length).toBeGreaterThan(60);
    expect(acknowledged.map(({ at }) => at).sort()).toEqual(found);
    expect(found).toEqual([
      expect.stringMatching(
        /^AwsSolutions-IAM5\[Resource::<AthenaResults[0-9A-F]{8}\.Arn>\/\*\] @ GadgetSalesCdc\/Proof\/Role$/,
      ),
      expect.stringMatching(
        /^AwsSolutions-IAM5\[Resource::<LakeBucket[0-9A-F]{8}\.Arn>\/current_orders_state\/\*\] @ GadgetSalesCdc\/Proof\/Role$/,
      ),
      expect.stringMatching(
        /^AwsSolutions-IAM5\[Resource::<LakeBucket[0-9A-F]{8}\.Arn>\/orders_cdc\/\*\] @ GadgetSalesCdc\/Proof\/Role$/,
      ),
    ]);
  });
});

describe('the bundled function', () => {
  let bundled: SynthesizedStack;
  let asset: string;
  beforeAll(() => {
    bundled = synthStack({ proof: true });
    const fn = Object.values(bundled.template.findResources('AWS::Lambda::Function')).find(
      (resource) => resource.Properties.FunctionName === 'orders-cdc-proof',
    );
    asset = join(bundled.outdir, `asset.${String(fn?.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
  });
  afterAll(() => bundled?.dispose());

  async function load() {
    return (await import(pathToFileURL(join(asset, 'index.mjs')).href)) as {
      handler: (event: unknown, context?: unknown) => Promise<unknown>;
      proofHandler: typeof proofHandler;
    };
  }

  it('carries the named queries it reads at run time beside the bundle', () => {
    expect(readFileSync(join(asset, 'sql', 'current_orders.sql'), 'utf8')).toBe(
      readFileSync(new URL('../../src/catalog/sql/current_orders.sql', import.meta.url), 'utf8'),
    );
    expect(existsSync(join(asset, 'index.mjs'))).toBe(true);
  });

  it('fails loudly, naming the variables, when invoked without the stack’s environment', async () => {
    const { handler } = await load();
    await expect(handler({}, { getRemainingTimeInMillis: () => 900_000 })).rejects.toMatchObject({
      name: 'ProofConfigError',
      message: expect.stringMatching(/PROOF_TABLE=\(unset\)/),
    });
  });

  it('runs the check and the heartbeat from the bundle: current_orders.sql read from disk, no view created', async () => {
    const { proofHandler: bundledHandler } = await load();
    // The bundle has its own copy of the SDK, so these fakes answer by the command's name, not its class.
    const statements: string[] = [];
    const answers: Record<string, (input: Record<string, unknown>) => unknown> = {
      DescribeTableCommand: () => ({ Table: { ItemCount: 0 } }),
      ScanCommand: () => ({ Items: [], ConsumedCapacity: { CapacityUnits: 0.5 } }),
      PutItemCommand: () => ({}),
      DeleteItemCommand: () => ({}),
      StartQueryExecutionCommand: (input) => {
        statements.push(String(input.QueryString));
        return { QueryExecutionId: `q-${statements.length}` };
      },
      GetQueryExecutionCommand: () => ({
        QueryExecution: { Status: { State: 'SUCCEEDED' }, StatementType: 'DML' },
      }),
      GetQueryResultsCommand: (input) => {
        const sql = statements[Number(String(input.QueryExecutionId).slice(2)) - 1] ?? '';
        const marker = /AND orderid LIKE '([^']+)%'/.exec(sql)?.[1];
        const names = marker ? ['orderid'] : ['orderid', 'image_json'];
        const rows = marker ? [[`${marker}1`]] : [];
        return {
          ResultSet: {
            ResultSetMetadata: { ColumnInfo: names.map((Name) => ({ Name, Type: 'varchar' })) },
            Rows: [names, ...rows].map((row) => ({ Data: row.map((VarCharValue) => ({ VarCharValue })) })),
          },
        };
      },
    };
    const fake = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) =>
        (answers[command.constructor.name] ?? (() => ({ Responses: {} })))(command.input),
    };
    const clock = new VirtualClock();
    const emitted: string[] = [];
    const run = bundledHandler(() => ({ dynamodb: fake, athena: fake }) as never, {
      env: {
        [PROOF_ENV.tableName]: 'OrdersRawTable',
        [PROOF_ENV.workGroup]: 'gadget-sales-cdc',
        [PROOF_ENV.database]: 'gadget_sales_cdc',
      },
      log: () => {},
      emit: (line) => emitted.push(line),
      now: clock.now,
      sleep: clock.sleep,
    });
    await clock.run(run({}, { getRemainingTimeInMillis: () => 900_000 }));
    expect(statements[0]).toMatch(/^SELECT orderid, image_json FROM \(\nWITH ranked AS \(/);
    expect(statements[0]).toContain('FROM orders_cdc\n');
    expect(statements.filter((sql) => /\bcurrent_orders\b|^\s*CREATE\b/i.test(sql))).toEqual([]);
    expect(JSON.parse(emitted[0] as string)).toMatchObject({
      LostOrders: 0,
      MarkersNotSeen: 0,
      FreshnessSeconds: 15,
    });
  });
});

describe('-c proofSchedule', () => {
  const schedule = (value: string) =>
    stackConfigFromContext((key) => ({ proofSchedule: value })[key]).proofSchedule;

  it.each([
    ['rate(1 hour)', 'rate(1 hour)'],
    ['rate(90 minutes)', 'rate(90 minutes)'],
    ['rate(120 minutes)', 'rate(2 hours)'],
    ['30minutes', 'rate(30 minutes)'],
    ['2hours', 'rate(2 hours)'],
    ['1day', 'rate(1 day)'],
  ])('takes %s as %s', (value, expression) => {
    expect(schedule(value)).toBe(expression);
  });

  it.each([
    '10minutes',
    'rate(2 days)',
    'rate(0 minutes)',
    '1.5hours',
    'cron(0 * * * ? *)',
    'hourly',
  ])('refuses %s, naming the option', (value) => {
    expect(() => schedule(value)).toThrow(
      `-c proofSchedule=${JSON.stringify(value)}: a rate from 15 minutes to 1 day`,
    );
  });
});
