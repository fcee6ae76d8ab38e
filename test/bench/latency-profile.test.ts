import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { levelOf, readLatencyProfile } from '../../bench/latency-profile';

describe('bench latency profile (bench/latency-profile.json)', () => {
  it('gives every figure a kind, a source and low <= typical <= high', () => {
    const profile = readLatencyProfile();
    expect(profile.pending.map((gate) => gate.gate)).toEqual(['nat-gateway-available', 'function-vpc-update', 'iam-propagation', 'probe-function-active', 'lambda-eni-release']);
    for (const gate of profile.pending) expect(gate.sources.length).toBeGreaterThan(0);
  });

  it('prices a call by its own entry first, then by its service, then by the slowest service', () => {
    const typical = levelOf(readLatencyProfile(), 'typical');
    expect(typical.callMs('ec2:CreateNatGateway')).toBe(300);
    expect(typical.callMs('ec2:DescribeVpcs')).toBe(150);
    expect(typical.callMs('iam:AttachRolePolicy')).toBe(200);
    expect(typical.callMs('sts:GetCallerIdentity')).toBe(200);
    expect(typical.gates.find((gate) => gate.gate === 'nat-gateway-available')).toEqual({ gate: 'nat-gateway-available', openedBy: 'ec2:CreateNatGateway', pendingMs: 120_000 });
  });

  it('lets the gates that wait for Hyperplane ENIs share them: creation for the first, the reuse figure after', () => {
    const typical = levelOf(readLatencyProfile(), 'typical');
    const sharing = typical.gates.filter((gate) => gate.sharesEnis).map((gate) => [gate.gate, gate.pendingMs, gate.sharesEnis?.reusePendingMs]);
    expect(sharing).toEqual([
      ['function-vpc-update', 60_000, 5000],
      ['probe-function-active', 60_000, 5000],
    ]);
  });

  it('fails on a figure without sources', () => {
    const profile = JSON.parse(JSON.stringify(readLatencyProfile())) as { pending: Array<{ sources: string[] }> };
    profile.pending[0]!.sources = [];
    const path = join(mkdtempSync(join(tmpdir(), 'latency-')), 'profile.json');
    writeFileSync(path, JSON.stringify(profile));
    expect(() => readLatencyProfile(path)).toThrow(/pending nat-gateway-available needs its kind and at least one source/);
  });
});
