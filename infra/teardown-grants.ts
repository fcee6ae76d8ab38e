import { Aws } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Grant } from './policy-builders';

/**
 * ValidateTeardown names the published versions that hold the network (functions/teardown/teardown-blockers.ts) with
 * their aliases: lambda:ListAliases authorizes on the function (Service Authorization Reference, AWS Lambda:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html), and such a version
 * may belong to any function of the account. Read-only.
 */
export function readFunctionAliases(): Grant {
  return {
    statements: [new PolicyStatement({ sid: 'ReadFunctionAliases', actions: ['lambda:ListAliases'], resources: [`arn:${Aws.PARTITION}:lambda:${Aws.REGION}:${Aws.ACCOUNT_ID}:function:*`] })],
    why: "a published version holding the network's subnets may belong to any function of the account; ListAliases only reads",
  };
}
