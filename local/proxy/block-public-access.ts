/**
 * VPC Block Public Access, which moto 5.2.1 does not serve (an HTML 500): the fault proxy answers its calls the
 * way AWS answers an account that never turned it on, in the EC2 API reference's shape
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcBlockPublicAccessOptions.html,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcBlockPublicAccessExclusions.html):
 * mode `off`, state `default-state`, exclusions allowed. Tests put an account in a blocking mode, or give it
 * exclusions, by rewriting these answers (emulator.inject with a `rewrite` fault; see blockPublicAccessRewrite).
 * Exclusions are kept per account, as AWS does
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcBlockPublicAccessExclusion.html,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpcBlockPublicAccessExclusion.html):
 * Create answers `create-in-progress` and Describe `create-complete` afterwards; Delete answers
 * `delete-in-progress`, and the exclusion is listed `delete-complete` afterwards (AWS lists deleted ones for a
 * while); an unknown id is InvalidVpcBlockPublicAccessExclusionId.NotFound. Tags set at creation are listed.
 */
const XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

interface Exclusion {
  readonly id: string;
  readonly resourceArn: string;
  readonly mode: string;
  readonly tags: ReadonlyArray<readonly [string, string]>;
  readonly created: string;
  state: 'create-complete' | 'delete-complete';
  updated: string;
}

type BlockPublicAccessAnswer = { readonly body: string } | { readonly error: { readonly code: string; readonly status: number; readonly message: string } };

const exclusionsByAccount = new Map<string, Exclusion[]>();

export function answerBlockPublicAccess(account: string, action: string, query: URLSearchParams = new URLSearchParams(), region = 'us-east-1'): BlockPublicAccessAnswer | undefined {
  const requestId = `bpa-${Date.now().toString(36)}`;
  const exclusions = exclusionsByAccount.get(account) ?? [];
  exclusionsByAccount.set(account, exclusions);
  if (action === 'DescribeVpcBlockPublicAccessOptions') {
    return {
      body:
        `<DescribeVpcBlockPublicAccessOptionsResponse xmlns="${XMLNS}"><requestId>${requestId}</requestId><vpcBlockPublicAccessOptions>` +
        `<awsAccountId>${account}</awsAccountId><state>default-state</state><internetGatewayBlockMode>off</internetGatewayBlockMode>` +
        `<exclusionsAllowed>allowed</exclusionsAllowed></vpcBlockPublicAccessOptions></DescribeVpcBlockPublicAccessOptionsResponse>`,
    };
  }
  if (action === 'DescribeVpcBlockPublicAccessExclusions') {
    const items = exclusions.map((exclusion) => exclusionXml(exclusion, exclusion.state)).join('');
    return { body: `<DescribeVpcBlockPublicAccessExclusionsResponse xmlns="${XMLNS}"><requestId>${requestId}</requestId>${items ? `<vpcBlockPublicAccessExclusionSet>${items}</vpcBlockPublicAccessExclusionSet>` : '<vpcBlockPublicAccessExclusionSet/>'}</DescribeVpcBlockPublicAccessExclusionsResponse>` };
  }
  if (action === 'CreateVpcBlockPublicAccessExclusion') {
    const resource = query.get('VpcId') ? `vpc/${query.get('VpcId')}` : `subnet/${query.get('SubnetId') ?? ''}`;
    const now = new Date().toISOString();
    const exclusion: Exclusion = {
      id: `vpcbpa-exclude-${Math.random().toString(16).slice(2).padEnd(17, '0').slice(0, 17)}`,
      resourceArn: `arn:aws:ec2:${region}:${account}:${resource}`,
      mode: query.get('InternetGatewayExclusionMode') ?? 'allow-egress',
      tags: tagsOf(query),
      created: now,
      updated: now,
      state: 'create-complete',
    };
    exclusions.push(exclusion);
    return { body: `<CreateVpcBlockPublicAccessExclusionResponse xmlns="${XMLNS}"><requestId>${requestId}</requestId>${exclusionXml(exclusion, 'create-in-progress', 'vpcBlockPublicAccessExclusion')}</CreateVpcBlockPublicAccessExclusionResponse>` };
  }
  if (action === 'DeleteVpcBlockPublicAccessExclusion') {
    const exclusion = exclusions.find((candidate) => candidate.id === query.get('ExclusionId') && candidate.state !== 'delete-complete');
    if (!exclusion) return { error: { code: 'InvalidVpcBlockPublicAccessExclusionId.NotFound', status: 400, message: `The exclusion '${query.get('ExclusionId') ?? ''}' does not exist` } };
    exclusion.state = 'delete-complete';
    exclusion.updated = new Date().toISOString();
    return { body: `<DeleteVpcBlockPublicAccessExclusionResponse xmlns="${XMLNS}"><requestId>${requestId}</requestId>${exclusionXml(exclusion, 'delete-in-progress', 'vpcBlockPublicAccessExclusion')}</DeleteVpcBlockPublicAccessExclusionResponse>` };
  }
  return undefined;
}

function exclusionXml(exclusion: Exclusion, state: string, element = 'item'): string {
  const tags = exclusion.tags.map(([key, value]) => `<item><key>${escapeXml(key)}</key><value>${escapeXml(value)}</value></item>`).join('');
  return (
    `<${element}><exclusionId>${exclusion.id}</exclusionId><internetGatewayExclusionMode>${exclusion.mode}</internetGatewayExclusionMode>` +
    `<resourceArn>${exclusion.resourceArn}</resourceArn><state>${state}</state><creationTimestamp>${exclusion.created}</creationTimestamp>` +
    `<lastUpdateTimestamp>${exclusion.updated}</lastUpdateTimestamp>${tags ? `<tagSet>${tags}</tagSet>` : ''}</${element}>`
  );
}

/** TagSpecification.N.Tag.M.Key/Value of the EC2 query protocol. */
function tagsOf(query: URLSearchParams): Array<[string, string]> {
  const tags: Array<[string, string]> = [];
  for (const [name, key] of query) {
    const match = /^TagSpecification\.(\d+)\.Tag\.(\d+)\.Key$/.exec(name);
    if (match) tags.push([key, query.get(`TagSpecification.${match[1]}.Tag.${match[2]}.Value`) ?? '']);
  }
  return tags;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
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
