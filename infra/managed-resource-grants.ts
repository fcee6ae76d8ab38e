import { Aws } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { NAT_ALARM_PREFIX } from '../functions/shared/nat-alarms';
import { PROBE_FUNCTION_PREFIX, TAG_MANAGED } from '../functions/shared/tags';
import { lambdaFunctionArn, type Grant } from './policy-builders';

/**
 * The grants on what lambda-egress itself creates by name at run time (probe functions, NAT alarms), apart from
 * the task table of infra/task-permissions.ts that uses them.
 */
const PROBE_FUNCTIONS_ARN = lambdaFunctionArn(`${PROBE_FUNCTION_PREFIX}-*`);

/**
 * The probe functions, `lambda-egress-probe-*`: read by EnsureProbeFunction, CheckProbeFunction and RunProbe.
 * GetFunction returns the function's Tags (which the ownership check reads) only to a caller allowed
 * lambda:ListTags (Lambda API reference, GetFunction, response field Tags:
 * https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html).
 */
export function readProbeFunctions(): Grant {
  return {
    statements: [new PolicyStatement({ sid: 'ReadProbeFunctions', actions: ['lambda:GetFunction', 'lambda:ListTags'], resources: [PROBE_FUNCTIONS_ARN] })],
    why: `probe functions are created at run time, one per network, named ${PROBE_FUNCTION_PREFIX}-<network>`,
  };
}

/** EnsureProbeFunction creates them, tagged as lambda-egress's. */
export function createProbeFunctions(): Grant {
  return {
    statements: [
      new PolicyStatement({
        sid: 'CreateProbeFunctions',
        // Creating a function with tags also authorizes lambda:TagResource.
        actions: ['lambda:CreateFunction', 'lambda:TagResource'],
        resources: [PROBE_FUNCTIONS_ARN],
        conditions: { StringEquals: { [`aws:RequestTag/${TAG_MANAGED}`]: 'true' } },
      }),
    ],
    why: `probe functions are created at run time, one per network, named ${PROBE_FUNCTION_PREFIX}-<network>; each must carry the ${TAG_MANAGED} tag`,
  };
}

/** Updates (EnsureProbeFunction) and invocations (RunProbe): only of a probe function tagged as lambda-egress's. */
export function changeProbeFunctions(sid: string, actions: string[]): Grant {
  return {
    statements: [
      new PolicyStatement({
        sid,
        actions,
        resources: [PROBE_FUNCTIONS_ARN],
        conditions: { StringEquals: { [`aws:ResourceTag/${TAG_MANAGED}`]: 'true' } },
      }),
    ],
    why: `probe functions are created at run time, named ${PROBE_FUNCTION_PREFIX}-<network>; changes need the ${TAG_MANAGED} tag`,
  };
}

export function deleteProbeFunctions(): Grant {
  return {
    statements: [
      new PolicyStatement({ sid: 'FindProbeFunctions', actions: ['lambda:ListTags'], resources: [PROBE_FUNCTIONS_ARN] }),
      new PolicyStatement({
        sid: 'DeleteProbeFunctions',
        actions: ['lambda:DeleteFunction'],
        resources: [PROBE_FUNCTIONS_ARN],
        conditions: { StringEquals: { [`aws:ResourceTag/${TAG_MANAGED}`]: 'true' } },
      }),
    ],
    why: `probe functions are created at run time, named ${PROBE_FUNCTION_PREFIX}-<network>; deletion needs the ${TAG_MANAGED} tag`,
  };
}


/**
 * The NAT alarms (request field network.alarms; functions/shared/nat-alarms.ts), named `lambda-egress-nat-*`.
 * CloudWatch alarms take `aws:ResourceTag` and PutMetricAlarm `aws:RequestTag`, `aws:TagKeys` and
 * `cloudwatch:AlarmActions` (Service Authorization Reference, Amazon CloudWatch:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html).
 */
const NAT_ALARMS_ARN = `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:${NAT_ALARM_PREFIX}*`;

export function findNatAlarms(): Grant {
  return {
    statements: [
      // DescribeAlarms lists alarms by name or prefix: read-only, and Resource * whatever ARN CloudWatch checks it on.
      new PolicyStatement({ sid: 'DescribeAlarms', actions: ['cloudwatch:DescribeAlarms'], resources: ['*'] }),
      new PolicyStatement({ sid: 'ReadNatAlarmTags', actions: ['cloudwatch:ListTagsForResource'], resources: [NAT_ALARMS_ARN] }),
    ],
    why: `cloudwatch:DescribeAlarms is read-only (a list call by name or prefix); tags are read only on alarms named ${NAT_ALARM_PREFIX}*, whose NAT gateway ids are known only at run time`,
  };
}

export function createNatAlarms(): Grant {
  return {
    statements: [
      new PolicyStatement({
        sid: 'CreateNatAlarms',
        // PutMetricAlarm with Tags also needs cloudwatch:TagResource (CloudWatch API reference, PutMetricAlarm,
        // Tags: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
        actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:TagResource'],
        resources: [NAT_ALARMS_ARN],
        conditions: {
          StringEquals: { [`aws:RequestTag/${TAG_MANAGED}`]: 'true' },
          // No alarm actions at all: an alarm action can stop or terminate instances, or publish anywhere.
          Null: { 'cloudwatch:AlarmActions': 'true' },
        },
      }),
    ],
    why: `the alarms are named after NAT gateways created at run time (${NAT_ALARM_PREFIX}<network>-<nat id>-<metric>); created only with ${TAG_MANAGED}=true and without actions`,
  };
}

export function deleteNatAlarms(): Grant {
  return {
    statements: [
      new PolicyStatement({
        sid: 'DeleteNatAlarms',
        actions: ['cloudwatch:DeleteAlarms'],
        resources: [NAT_ALARMS_ARN],
        conditions: { StringEquals: { [`aws:ResourceTag/${TAG_MANAGED}`]: 'true' } },
      }),
    ],
    why: `the alarms are named after NAT gateways created at run time (${NAT_ALARM_PREFIX}*); deletion needs the ${TAG_MANAGED} tag`,
  };
}
