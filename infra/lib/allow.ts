import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';

/**
 * One Allow statement. Every role of the stack is built from these, each naming the resources it needs: the
 * template test checks that no statement grants `*` except the few AWS requires, each justified where written.
 */
export function allow(actions: readonly string[], resources: readonly string[]): PolicyStatement {
  return new PolicyStatement({ effect: Effect.ALLOW, actions: [...actions], resources: [...resources] });
}
