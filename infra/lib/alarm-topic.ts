import { ArnFormat, Stack } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { allow } from './allow.ts';

export interface AlarmTopicProps {
  /**
   * Only alarms whose names start with this may publish (the `aws:SourceArn` of CloudWatch's publish): the
   * pipeline's alarms are named `<prefix>-<symptom>`.
   */
  readonly alarmNamePrefix: string;
  /**
   * Subscribe this address by email. AWS mails it a confirmation link first: nothing arrives until it is
   * followed.
   * @default no subscription: subscribe what your operations use (email, chat, paging) to the topic's ARN
   */
  readonly email?: string;
}

/**
 * Where the pipeline's alarms go: one SNS topic, the action of every alarm (into ALARM and back to OK), its ARN
 * in the stack outputs. TLS is required to publish (cdk-nag SNS3). Its topic policy lets CloudWatch alarms of
 * this account, named with the prefix, publish: the policy that `enforceSSL` adds replaces the default one,
 * which would otherwise have allowed them.
 *
 * Not encrypted at rest, on purpose: notifications carry alarm names, metrics and thresholds, no order data, and
 * CloudWatch can publish to an encrypted topic only with a customer-managed KMS key (the `aws/sns` key's policy
 * cannot grant it), a monthly key fee and a key left pending deletion after `cdk destroy`.
 */
export class AlarmTopic extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.topic = new Topic(this, 'Topic', {
      displayName: 'Gadget sales CDC alarms',
      enforceSSL: true,
    });
    const publish = allow(['sns:Publish'], [this.topic.topicArn]);
    publish.addPrincipals(new ServicePrincipal('cloudwatch.amazonaws.com'));
    publish.addCondition('StringEquals', { 'aws:SourceAccount': stack.account });
    publish.addCondition('ArnLike', {
      'aws:SourceArn': stack.formatArn({
        service: 'cloudwatch',
        resource: 'alarm',
        resourceName: `${props.alarmNamePrefix}-*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    });
    this.topic.addToResourcePolicy(publish);
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
  }
}
