import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { networkParameterName } from '../../functions/shared/network-parameters';
import { installExample, npmPack, ROOT, runNode, type PackedPackage } from './packed-package';

/**
 * The package as a user gets it: `npm pack` (which builds dist/ in prepack), the tarball installed into a copy of
 * examples/embed without network access, and that app type-checked against the package's declarations and
 * synthesized as written, with cdk-nag's AwsSolutions pack as its gate.
 */
type Template = { Parameters?: Record<string, { Type: string; Default?: string }>; Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

const BUILD_TIMEOUT_MS = 900_000;
let workDir: string;
let appDir: string;
let packed: PackedPackage;
let synth: { code: number; output: string };
let typeCheck: { code: number; output: string };

beforeAll(async () => {
  // GIVEN the package packed as `npm publish` would, installed offline into a copy of the embed example
  workDir = mkdtempSync(join(tmpdir(), 'lambda-egress-pack-'));
  appDir = join(workDir, 'embed');
  packed = await npmPack(workDir);
  await installExample(packed.tarball, appDir);
  // WHEN tsc checks the example with the package's types (a build step: it takes a minute on a loaded machine)
  typeCheck = await runNode([join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], appDir);
  // AND the example synthesizes with every connection off this machine refused
  synth = await runNode(['--require', join(__dirname, 'block-network.cjs'), join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'app.ts'], appDir, {
    CDK_OUTDIR: join(appDir, 'cdk.out'),
    npm_config_offline: 'true',
  });
}, BUILD_TIMEOUT_MS);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

function template(stack: string): Template {
  return JSON.parse(readFileSync(join(appDir, 'cdk.out', `${stack}.template.json`), 'utf8')) as Template;
}

function resourcesOfType(tpl: Template, type: string): Array<[string, Record<string, unknown>]> {
  return Object.entries(tpl.Resources).filter(([, resource]) => resource.Type === type).map(([id, resource]) => [id, resource.Properties ?? {}]);
}

describe('the npm package', () => {
  it('packs a main and types that resolve, the LICENSE, the CHANGELOG and the CLI', () => {
    // THEN the installed package.json points at files the tarball holds, and Node resolves the package to its main
    const installed = join(appDir, 'node_modules', 'lambda-egress');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.private).toBeUndefined();
    expect(existsSync(join(installed, manifest.main as string))).toBe(true);
    expect(existsSync(join(installed, manifest.types as string))).toBe(true);
    expect(require.resolve('lambda-egress', { paths: [appDir] })).toBe(join(installed, manifest.main as string));
    expect(manifest.peerDependencies).toEqual(expect.objectContaining({ 'aws-cdk-lib': expect.any(String), constructs: expect.any(String) }));
    expect(manifest.keywords).toEqual(expect.arrayContaining(['cdk', 'awscdk']));
    expect(manifest.bin).toEqual({ 'lambda-egress': 'cli/bin.cjs' });
    expect(packed.files).toEqual(expect.arrayContaining(['LICENSE', 'CHANGELOG.md', 'cli/bin.cjs', 'dist/infra/index.d.ts', 'dist/statemachine/provision.asl.json']));
    // AND no test or bench file ships, nor the emulator's test support (faults, call log: local/test-support/)
    expect(packed.files.filter((file) => /^(dist\/)?(test|bench|local\/test-support)\//.test(file))).toEqual([]);
  });

  it('runs its CLI compiled (dist/cli), without tsx: a devDependency, not installed with the package', async () => {
    const installed = join(appDir, 'node_modules', 'lambda-egress');
    expect(packed.files).toEqual(expect.arrayContaining(['dist/cli/main.js', 'dist/local/emulator-daemon.js', 'dist/functions/validate/validate-request.js', 'dist/local/moto-python/sitecustomize.py']));
    expect(() => require.resolve('tsx/cjs', { paths: [installed] })).toThrow();
    const help = await runNode([join(installed, 'cli', 'bin.cjs'), '--help'], appDir);
    expect([help.code, help.output]).toEqual([0, expect.stringContaining('Usage: lambda-egress')]);
  });

  it('runs a workflow --local with only its own dependencies installed (the local runner is not a devDependency)', async () => {
    // GIVEN the installed CLI, which sees this file's emulator through AWS_ENDPOINT_URL (per-file-env.ts)
    const installed = join(appDir, 'node_modules', 'lambda-egress');
    // WHEN it provisions its sample function in-process
    const run = await runNode([join(installed, 'cli', 'bin.cjs'), 'provision', '--demo', '--network', 'installed', '--json'], appDir);
    // THEN the workflow ran from the package's own files: no module missing, the function attached
    expect(run.output).not.toMatch(/Cannot find module/);
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/"status": ?"SUCCEEDED"/);
  });

  it('ships every handler bundled, so a user app needs neither esbuild nor Docker', () => {
    const bundles = join(appDir, 'node_modules', 'lambda-egress', 'dist', 'lambda');
    const entries = readdirSync(bundles, { recursive: true }).map(String).filter((path) => path.endsWith('index.js'));
    expect(entries).toEqual(expect.arrayContaining([join('network', 'ensure-vpc', 'index.js'), join('api', 'start-request', 'index.js')]));
  });
});

describe('examples/embed, installed from the tarball', () => {
  it('type-checks against the declarations the package ships', () => {
    // THEN tsc found them and nothing is wrong
    expect(typeCheck.output).toBe('');
    expect(typeCheck.code).toBe(0);
  });

  it('synthesizes with no network access and no cdk-nag finding', () => {
    // THEN the app exited cleanly (cdk-nag's gate throws on an unacknowledged finding, the preload on a connection)
    expect(synth.output).not.toMatch(/AwsSolutions-|network access|DNS lookup/);
    expect(synth.code).toBe(0);
    // AND the platform's stack holds lambda-egress: three workflows, and functions from the prebundled handlers
    const platform = template('Platform');
    expect(resourcesOfType(platform, 'AWS::StepFunctions::StateMachine')).toHaveLength(3);
    const functions = resourcesOfType(platform, 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(30);
    expect(functions.every(([, properties]) => properties.Handler === 'index.handler' && String(properties.FunctionName).startsWith('platform-egress-'))).toBe(true);
    expect(resourcesOfType(platform, 'AWS::ApiGateway::RestApi')).toHaveLength(1);
  });

  it("points the team's function at network payments through the network's SSM parameters (useNetwork)", () => {
    const orders = template('Orders');
    const parameters = orders.Parameters ?? {};
    const parameterOf = (name: string): string | undefined => Object.entries(parameters).find(([, parameter]) => parameter.Default === name)?.[0];
    const subnets = parameterOf(networkParameterName('payments', 'privateSubnetIds'));
    const securityGroup = parameterOf(networkParameterName('payments', 'securityGroupId'));
    // THEN CloudFormation resolves both at deploy time, as typed AWS ids it checks
    expect(subnets && parameters[subnets]?.Type).toBe('AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>');
    expect(securityGroup && parameters[securityGroup]?.Type).toBe('AWS::SSM::Parameter::Value<AWS::EC2::SecurityGroup::Id>');
    // AND the function's VpcConfig is made of them
    const [[, ordersApi] = ['', {}]] = resourcesOfType(orders, 'AWS::Lambda::Function');
    expect(ordersApi.VpcConfig).toEqual({ SubnetIds: { Ref: subnets }, SecurityGroupIds: [{ Ref: securityGroup }] });
    // AND its role may create the function's network interfaces
    expect(JSON.stringify(resourcesOfType(orders, 'AWS::IAM::Role'))).toContain('AWSLambdaVPCAccessExecutionRole');
  });
});
