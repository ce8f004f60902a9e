import type { DescribeStacksCommand, DescribeStacksCommandOutput } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STACK_NAME } from './deployed-names.ts';
import { STACK_OUTPUT_KEYS } from './stack-output-keys.ts';
import {
  type CloudFormationApi,
  namesFromStack,
  StackNotFoundError,
  StackOutputMissingError,
  StackOutputsUnreadableError,
} from './stack-outputs.ts';

/** A CloudFormation client that answers DescribeStacks from a script and records the stacks asked for. */
function scriptedClient(answer: () => Partial<DescribeStacksCommandOutput>) {
  const asked: (string | undefined)[] = [];
  const client: CloudFormationApi = {
    async send(command: DescribeStacksCommand) {
      asked.push(command.input.StackName);
      return { $metadata: {}, ...answer() };
    },
  };
  return { client, asked };
}

const deployed = (): Partial<DescribeStacksCommandOutput> => ({
  Stacks: [
    {
      StackName: DEFAULT_STACK_NAME,
      StackStatus: 'CREATE_COMPLETE',
      CreationTime: new Date(0),
      Outputs: [
        { OutputKey: STACK_OUTPUT_KEYS.workGroupName, OutputValue: 'wg-from-stack' },
        { OutputKey: STACK_OUTPUT_KEYS.databaseName, OutputValue: 'db_from_stack' },
        { OutputKey: STACK_OUTPUT_KEYS.tableName, OutputValue: 'OrdersFromStack' },
      ],
    },
  ],
});

const lookup = (client: CloudFormationApi) => ({
  stackName: DEFAULT_STACK_NAME,
  region: 'eu-west-1',
  client,
});
const athenaNames = (workgroup?: string, database?: string) => ({
  workGroupName: { value: workgroup, option: '--workgroup' },
  databaseName: { value: database, option: '--database' },
});

describe('namesFromStack', () => {
  it('reads the names the user did not give from the stack outputs', async () => {
    const { client, asked } = scriptedClient(deployed);
    expect(await namesFromStack(lookup(client), athenaNames())).toEqual({
      workGroupName: 'wg-from-stack',
      databaseName: 'db_from_stack',
    });
    expect(asked).toEqual([DEFAULT_STACK_NAME]);
  });

  it('reads an optional output when it reads the stack anyway, and only then', async () => {
    const optional = (value?: string) => ({
      currentStateTableName: { value, option: '--current-state-table' },
    });
    const withTable = () => {
      const answer = deployed();
      answer.Stacks?.[0]?.Outputs?.push({
        OutputKey: STACK_OUTPUT_KEYS.currentStateTableName,
        OutputValue: 'current_orders_state',
      });
      return answer;
    };
    const stackWith = scriptedClient(withTable);
    expect(await namesFromStack(lookup(stackWith.client), athenaNames(), optional())).toEqual({
      workGroupName: 'wg-from-stack',
      databaseName: 'db_from_stack',
      currentStateTableName: 'current_orders_state',
    });
    // A stack without it: no error, no name.
    const stackWithout = scriptedClient(deployed);
    expect(await namesFromStack(lookup(stackWithout.client), athenaNames(), optional())).toEqual({
      workGroupName: 'wg-from-stack',
      databaseName: 'db_from_stack',
    });
    // Every required name given: the stack is not read for an optional one; the user's value wins.
    const explicit = scriptedClient(withTable);
    expect(await namesFromStack(lookup(explicit.client), athenaNames('wg', 'db'), optional())).toEqual({
      workGroupName: 'wg',
      databaseName: 'db',
    });
    expect(explicit.asked).toEqual([]);
    expect(
      await namesFromStack(lookup(stackWith.client), athenaNames(), optional('orders_cdc')),
    ).toMatchObject({
      currentStateTableName: 'orders_cdc',
    });
  });

  it('lets explicit names win over the outputs', async () => {
    const { client } = scriptedClient(deployed);
    expect(await namesFromStack(lookup(client), athenaNames('mine'))).toEqual({
      workGroupName: 'mine',
      databaseName: 'db_from_stack',
    });
  });

  it('never calls CloudFormation when every name is given', async () => {
    const { client, asked } = scriptedClient(() => {
      throw new Error('unreachable');
    });
    expect(await namesFromStack(lookup(client), athenaNames('wg', 'db'))).toEqual({
      workGroupName: 'wg',
      databaseName: 'db',
    });
    expect(asked).toEqual([]);
  });

  it('names the stack, the region and the fix when the stack is not deployed', async () => {
    const { client } = scriptedClient(() => {
      throw Object.assign(new Error(`Stack with id ${DEFAULT_STACK_NAME} does not exist`), {
        name: 'ValidationError',
      });
    });
    const failure = namesFromStack(lookup(client), athenaNames());
    await expect(failure).rejects.toBeInstanceOf(StackNotFoundError);
    await expect(failure).rejects.toThrow(
      'Stack "GadgetSalesCdc" is not deployed in region eu-west-1. Deploy it with `npm run deploy`',
    );
    await expect(failure).rejects.toThrow('give --workgroup and --database explicitly');
  });

  it('names the missing output, the stack status and the option that replaces it', async () => {
    const { client } = scriptedClient(
      (): Partial<DescribeStacksCommandOutput> => ({
        Stacks: [
          {
            StackName: DEFAULT_STACK_NAME,
            StackStatus: 'ROLLBACK_COMPLETE',
            CreationTime: new Date(0),
            Outputs: [],
          },
        ],
      }),
    );
    const failure = namesFromStack(lookup(client), { tableName: { value: undefined, option: '--table' } });
    await expect(failure).rejects.toBeInstanceOf(StackOutputMissingError);
    await expect(failure).rejects.toThrow(
      '(status ROLLBACK_COMPLETE) has no output TableName. Finish or repeat its deployment with `npm run deploy`, ' +
        'or pass --table explicitly.',
    );
  });

  it('reports a refused DescribeStacks with its reason and the way around it', async () => {
    const { client } = scriptedClient(() => {
      throw Object.assign(new Error('not authorized to perform: cloudformation:DescribeStacks'), {
        name: 'AccessDenied',
      });
    });
    const failure = namesFromStack(lookup(client), { tableName: { value: undefined, option: '--table' } });
    await expect(failure).rejects.toBeInstanceOf(StackOutputsUnreadableError);
    await expect(failure).rejects.toThrow(
      /\(AccessDenied: not authorized .*\)\. Check the credentials .* or give --table explicitly\./,
    );
  });
});
