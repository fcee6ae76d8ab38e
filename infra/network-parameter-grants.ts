import { Aws } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { NETWORK_PARAMETERS_ROOT } from '../functions/shared/network-parameters';
import type { Grant } from './policy-builders';

/**
 * The parameters networks publish for IaC, `/lambda-egress/networks/*` and nothing else. A parameter's ARN is
 * `arn:<partition>:ssm:<region>:<account>:parameter` followed by its name, whose leading slash is the ARN's
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-access.html).
 */
const NETWORK_PARAMETERS_ARN = `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter${NETWORK_PARAMETERS_ROOT}/*`;

/**
 * RecordMembership publishes them (functions/network/network-parameters-publish.ts): reads what is there and its
 * tags, creates with tags (PutParameter with Tags is also authorized as ssm:AddTagsToResource:
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-access.html) and overwrites its own.
 */
export function publishNetworkParameters(): Grant {
  return {
    statements: [
      new PolicyStatement({
        sid: 'PublishNetworkParameters',
        actions: ['ssm:GetParameters', 'ssm:ListTagsForResource', 'ssm:PutParameter', 'ssm:AddTagsToResource'],
        resources: [NETWORK_PARAMETERS_ARN],
      }),
    ],
    why: `the network parameters are named at run time, one set per network, under ${NETWORK_PARAMETERS_ROOT}/<network>/`,
  };
}

/** The undo engine (Rollback, TeardownNetwork) deletes those of its ledger. */
export function deleteNetworkParameters(): Grant {
  return {
    statements: [new PolicyStatement({ sid: 'DeleteNetworkParameters', actions: ['ssm:DeleteParameter'], resources: [NETWORK_PARAMETERS_ARN] })],
    why: `the network parameters are named at run time, one set per network, under ${NETWORK_PARAMETERS_ROOT}/<network>/`,
  };
}
