import { type CfnElement, Stack } from 'aws-cdk-lib';
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
