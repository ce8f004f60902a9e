import { type CfnElement, Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * How cdk-nag spells a resource in a granular finding id (`AwsSolutions-IAM5[Resource::<Id.Arn>/x/*]`), so an
 * acknowledgement names exactly the one finding it answers, never the whole rule.
 */
export function nagRef(construct: IConstruct): string {
  return `<${logicalIdOf(construct)}>`;
}

export function nagArn(construct: IConstruct): string {
  return `<${logicalIdOf(construct)}.Arn>`;
}

function logicalIdOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
}

/**
 * `arn:<partition>:<service>:<region>:<account>:` as cdk-nag spells it in a finding: the pseudo parameter
 * (`<AWS::Region>`) when the stack is environment-agnostic, the value (`eu-west-1`) when it is deployed with a
 * known account and region, as `npm run deploy` synthesizes it. An acknowledgement written for only one of the
 * two would leave the other failing.
 */
export function nagArnPrefix(scope: IConstruct, service: string): string {
  const stack = Stack.of(scope);
  const show = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
  const partition = show(stack.partition, 'Partition');
  return `arn:${partition}:${service}:${show(stack.region, 'Region')}:${show(stack.account, 'AccountId')}:`;
}
