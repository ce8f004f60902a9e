import { Token } from 'aws-cdk-lib';

/**
 * The regions without EventBridge Pipes (`AWS::Pipes::Pipe`), as AWS's "EventBridge feature availability by
 * Region" page shows them and cfn-lint 1.51's region schemas agree (checked 2026-12-01). A stack there would
 * fail at deploy time with "Unrecognized resource types: [AWS::Pipes::Pipe]"; it is refused at synth instead.
 */
export const PIPES_UNAVAILABLE_REGIONS: readonly string[] = [
  'ap-east-2', // Asia Pacific (Taipei)
  'ap-southeast-4', // Asia Pacific (Melbourne)
  'ap-southeast-5', // Asia Pacific (Malaysia)
  'ap-southeast-6', // Asia Pacific (New Zealand)
  'ap-southeast-7', // Asia Pacific (Thailand)
  'ca-west-1', // Canada West (Calgary)
  'il-central-1', // Israel (Tel Aviv)
  'mx-central-1', // Mexico (Central)
  'us-gov-east-1', // AWS GovCloud (US-East)
  'us-gov-west-1', // AWS GovCloud (US-West)
];

/**
 * Throws when the stack's region is known and has no EventBridge Pipes. An environment-agnostic stack (no
 * account and region at synth: `npm run synth` without credentials) has the region as a token and passes: the
 * region is only known at deploy time, where CloudFormation rejects the pipe's resource type before creating
 * anything. `npm run deploy` synthesizes with the credentials' account and region, so it is refused here.
 */
export function assertPipesAvailable(region: string): void {
  if (Token.isUnresolved(region) || !PIPES_UNAVAILABLE_REGIONS.includes(region)) return;
  throw new Error(
    `EventBridge Pipes (AWS::Pipes::Pipe) is not available in ${region}, and the pipeline captures the table's ` +
      `changes with a pipe. Deploy to a region that has Pipes (AWS_REGION or the profile's region), none of ` +
      `${PIPES_UNAVAILABLE_REGIONS.join(', ')}.`,
  );
}
