/**
 * VPC Block Public Access, which moto 5.2.1 does not serve (an HTML 500): the fault proxy answers the two reads
 * the way AWS answers an account that never turned it on, in the EC2 API reference's shape
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcBlockPublicAccessOptions.html,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcBlockPublicAccessExclusions.html):
 * mode `off`, state `default-state`, exclusions allowed, no exclusions. Tests put an account in a blocking mode,
 * or give it exclusions, by rewriting these answers (emulator.inject with a `rewrite` fault; see blockPublicAccessRewrite).
 */
const XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

export function answerBlockPublicAccess(account: string, action: string): string | undefined {
  const requestId = `bpa-${Date.now().toString(36)}`;
  if (action === 'DescribeVpcBlockPublicAccessOptions') {
    return (
      `<DescribeVpcBlockPublicAccessOptionsResponse xmlns="${XMLNS}"><requestId>${requestId}</requestId><vpcBlockPublicAccessOptions>` +
      `<awsAccountId>${account}</awsAccountId><state>default-state</state><internetGatewayBlockMode>off</internetGatewayBlockMode>` +
      `<exclusionsAllowed>allowed</exclusionsAllowed></vpcBlockPublicAccessOptions></DescribeVpcBlockPublicAccessOptionsResponse>`
    );
  }
  if (action === 'DescribeVpcBlockPublicAccessExclusions') {
    return `<DescribeVpcBlockPublicAccessExclusionsResponse xmlns="${XMLNS}"><requestId>${requestId}</requestId><vpcBlockPublicAccessExclusionSet/></DescribeVpcBlockPublicAccessExclusionsResponse>`;
  }
  return undefined;
}

/** The rewrite rules that put an account's answers in a BPA mode, with these exclusions (resource ARN and mode). */
export function blockPublicAccessRewrite(
  setting: { readonly mode: 'off' | 'block-bidirectional' | 'block-ingress'; readonly exclusionsAllowed?: 'allowed' | 'not-allowed' } | { readonly exclusions: ReadonlyArray<{ readonly resourceArn: string; readonly mode: 'allow-egress' | 'allow-bidirectional'; readonly state?: string }> },
): { readonly service: 'ec2'; readonly action: string; readonly times: -1; readonly fault: { readonly type: 'rewrite'; readonly replacements: Array<{ pattern: string; replacement: string }> } } {
  if ('mode' in setting) {
    return {
      service: 'ec2',
      action: 'DescribeVpcBlockPublicAccessOptions',
      times: -1,
      fault: {
        type: 'rewrite',
        replacements: [
          { pattern: '<state>default-state</state>', replacement: '<state>update-complete</state>' },
          { pattern: '<internetGatewayBlockMode>off</internetGatewayBlockMode>', replacement: `<internetGatewayBlockMode>${setting.mode}</internetGatewayBlockMode>` },
          { pattern: '<exclusionsAllowed>allowed</exclusionsAllowed>', replacement: `<exclusionsAllowed>${setting.exclusionsAllowed ?? 'allowed'}</exclusionsAllowed>` },
        ],
      },
    };
  }
  const items = setting.exclusions
    .map(
      (exclusion, index) =>
        `<item><exclusionId>vpcbpa-exclude-${String(index).padStart(17, '0')}</exclusionId><internetGatewayExclusionMode>${exclusion.mode}</internetGatewayExclusionMode>` +
        `<resourceArn>${exclusion.resourceArn}</resourceArn><state>${exclusion.state ?? 'create-complete'}</state></item>`,
    )
    .join('');
  return {
    service: 'ec2',
    action: 'DescribeVpcBlockPublicAccessExclusions',
    times: -1,
    fault: { type: 'rewrite', replacements: [{ pattern: '<vpcBlockPublicAccessExclusionSet/>', replacement: `<vpcBlockPublicAccessExclusionSet>${items}</vpcBlockPublicAccessExclusionSet>` }] },
  };
}
