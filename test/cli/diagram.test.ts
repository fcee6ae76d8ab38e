import { label, nodeId, renderTopology } from '../../cli/diagram';
import { sampleDetails, sampleResult } from '../support/sample-result';

/** The Mermaid subset renderTopology writes: each line is a header, a node, a subgraph start or end, or an edge. */
const NODE = /^\s+[a-z]+_[A-Za-z0-9_]+(\(\[|\[\[|\[\(|\{\{|\[|\(\()"[^"]*"(\]\)|\]\]|\)\]|\}\}|\]|\)\))$/;
const EDGE = /^\s+[a-z]+_[A-Za-z0-9_]+ (-->|-\.->|-\.-)(\|"[^"]*"\|)? [a-z]+(_[A-Za-z0-9_]+)?$/;
const SUBGRAPH = /^\s+subgraph [a-z]+_[A-Za-z0-9_]+\["[^"]*"\]$/;

function checkSyntax(diagram: string): void {
  const lines = diagram.trimEnd().split('\n');
  expect(lines[0]).toBe('flowchart LR');
  let depth = 0;
  for (const line of lines.slice(1)) {
    if (SUBGRAPH.test(line)) depth += 1;
    else if (line.trim() === 'end') depth -= 1;
    else if (line.trim() !== 'internet((internet))') expect([line, NODE.test(line) || EDGE.test(line)]).toEqual([line, true]);
    expect(depth).toBeGreaterThanOrEqual(0);
  }
  expect(depth).toBe(0);
}

const edges = (diagram: string) => diagram.split('\n').filter((line) => EDGE.test(line)).map((line) => line.trim());

describe('renderTopology (Mermaid)', () => {
  it('draws VPC -> subnets by AZ and tier -> route tables -> IGW / NAT / S3 endpoint, as described', () => {
    // GIVEN the result of a 2-AZ network and the description of its route tables
    // WHEN it is rendered
    const diagram = renderTopology(sampleResult(), sampleDetails());
    // THEN it is well-formed Mermaid of the subset the renderer uses
    checkSyntax(diagram);
    // AND the VPC holds one group per AZ, each with its public and private subnet
    expect(diagram).toContain('subgraph vpc_vpc_0a1["VPC vpc-0a1 · 10.0.0.0/16 · network default"]');
    const az1 = diagram.slice(diagram.indexOf('subgraph az_us_east_1a'), diagram.indexOf('subgraph az_us_east_1b'));
    expect(az1).toContain('"public subnet<br/>subnet-pub-a<br/>10.0.0.0/20"');
    expect(az1).toContain('"private subnet<br/>subnet-prv-a<br/>10.0.128.0/19"');
    expect(az1).not.toContain('subnet-prv-b');
    // AND each subnet goes to its route table, each table to its targets, private tables to the NAT of their AZ
    expect(edges(diagram)).toEqual(
      expect.arrayContaining([
        'subnet_subnet_prv_a --> rtb_rtb_prv_a',
        'subnet_subnet_pub_b --> rtb_rtb_pub',
        'rtb_rtb_pub -->|"0.0.0.0/0"| igw_igw_0c3',
        'rtb_rtb_prv_a -->|"0.0.0.0/0"| nat_nat_0aa',
        'rtb_rtb_prv_b -->|"0.0.0.0/0"| nat_nat_0bb',
        'rtb_rtb_prv_a -->|"S3 pl-63a5400a"| vpce_vpce_0e5',
        'nat_nat_0aa -.-|"in"| subnet_subnet_pub_a',
        'nat_nat_0aa --> igw_igw_0c3',
        'igw_igw_0c3 --> internet',
        'fn_orders -.->|"ENI"| subnet_subnet_prv_a',
      ]),
    );
    // AND each route table says whom it routes
    expect(diagram).toContain('rtb_rtb_pub["route table (public)<br/>rtb-pub"]');
    expect(diagram).toContain('rtb_rtb_prv_b["route table (private, us-east-1b)<br/>rtb-prv-b"]');
    // AND local routes and the unused main table are left out
    expect(diagram).not.toContain('rtb_main');
    expect(diagram).not.toContain('local');
  });

  it('infers the routes from the result alone when the network could not be described', () => {
    const diagram = renderTopology(sampleResult());
    checkSyntax(diagram);
    expect(diagram).not.toContain('route table');
    expect(edges(diagram)).toEqual(
      expect.arrayContaining([
        'subnet_subnet_pub_a -->|"0.0.0.0/0"| igw_igw_0c3',
        'subnet_subnet_prv_a -->|"0.0.0.0/0"| nat_nat_0aa',
        'subnet_subnet_prv_b -->|"0.0.0.0/0"| nat_nat_0bb',
        'subnet_subnet_prv_b -->|"S3"| vpce_vpce_0e5',
      ]),
    );
    // the AZs come from the ledger
    expect(diagram).toContain('subgraph az_us_east_1b["us-east-1b"]');
  });

  it('sends every private subnet to the one NAT with natGateways=single, and ::/0 to the egress-only gateway with IPv6', () => {
    const base = sampleResult();
    const result = {
      ...base,
      network: { ...base.network, natGateways: [{ az: 'us-east-1a', natTargetId: 'nat-0aa' }], egressOnlyInternetGatewayId: 'eigw-0f6' },
    };
    const diagram = renderTopology(result);
    checkSyntax(diagram);
    expect(edges(diagram)).toEqual(
      expect.arrayContaining([
        'subnet_subnet_prv_b -->|"0.0.0.0/0"| nat_nat_0aa',
        'subnet_subnet_prv_a -->|"::/0"| eigw_eigw_0f6',
        'eigw_eigw_0f6 --> internet',
      ]),
    );
    expect(diagram).not.toContain('nat_0bb');
  });

  it('shows a route to something lambda-egress does not manage (a transit gateway) as such, in an existing VPC', () => {
    const base = sampleResult();
    const details = sampleDetails();
    const result = { ...base, network: { ...base.network, mode: 'existing' as const } };
    const described = {
      ...details,
      routeTables: details.routeTables.map((table) =>
        table.id === 'rtb-prv-b' ? { ...table, routes: [{ destination: '0.0.0.0/0', target: 'tgw-0123' }] } : table,
      ),
    };
    const diagram = renderTopology(result, described);
    checkSyntax(diagram);
    expect(diagram).toContain('network default (existing VPC)');
    expect(diagram).toContain('other_tgw_0123["tgw-0123<br/>(not managed by lambda-egress)"]');
    expect(edges(diagram)).toContain('rtb_rtb_prv_b -->|"0.0.0.0/0"| other_tgw_0123');
  });

  it('keeps ids and labels inside what Mermaid accepts', () => {
    expect(nodeId('subnet', 'subnet-0a/b.c')).toBe('subnet_subnet_0a_b_c');
    expect(label('say "hi"')).toBe('"say #quot;hi#quot;"');
  });
});
