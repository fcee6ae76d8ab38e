/**
 * Issue 24's mechanical rename: a field that holds what a private route targets (a NAT gateway nat-... or a
 * NAT instance's network interface eni-...) is `natTargetId`, and the registry record's list of them
 * `natTargetIds`; a field that can only hold a NAT gateway keeps `natGatewayId`.
 *
 * It renames with TypeScript's own "rename symbol" (the language service), not with text search, so every
 * reader and writer of each declaration below follows it, tests included, and nothing else named
 * `natGatewayId` (a NAT gateway's own id, the SDK's `NatGatewayId`, the fault proxy's XML) is touched.
 * Idempotent: a declaration already renamed is skipped, so the lead can run it again after merging branches:
 *
 *   npx tsx scripts/rename-nat-target-id.ts && npx tsc --noEmit   (--dry-run: count, write nothing)
 *
 * Untyped JSON a test builds (`as never`, `Record<string, unknown>`) is not reached by a rename; those are
 * hand fixes in their own commit, as are the persisted shapes (the registry item's old name, the CLI's --json).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';

interface Declaration {
  readonly file: string;
  /** Text the declaration follows in its file (its type's name): the first `from` property after it is renamed. */
  readonly after: string;
  readonly from: string;
  readonly to: string;
}

const DECLARATIONS: readonly Declaration[] = [
  { file: 'functions/network/types.ts', after: 'export interface NatGatewaySlice', from: 'natGatewayId', to: 'natTargetId' },
  { file: 'functions/network/types.ts', after: 'export interface NatGatewaysCheck', from: 'natGatewayId', to: 'natTargetId' },
  { file: 'functions/network/types.ts', after: 'export interface PrivateRouteTable', from: 'natGatewayId', to: 'natTargetId' },
  { file: 'functions/network/types.ts', after: 'export interface AuditedNatGateway', from: 'natGatewayId', to: 'natTargetId' },
  { file: 'functions/network/types.ts', after: "readonly placement: 'existing'", from: 'natGatewayId', to: 'natTargetId' },
  { file: 'functions/network/types.ts', after: 'export interface AlreadyMember', from: 'natGatewayId', to: 'natTargetId' },
  { file: 'functions/network/types.ts', after: 'readonly natCheck: { readonly gateways', from: 'natGatewayId', to: 'natTargetId' },
  { file: 'functions/network/audit-plan.ts', after: 'type PlannedRepair', from: 'natGatewayId', to: 'natTargetId' },
  { file: 'functions/membership/types.ts', after: 'readonly natGateways?: ReadonlyArray', from: 'natGatewayId', to: 'natTargetId' },
  { file: 'functions/membership/types.ts', after: 'readonly privateRouteTables?: ReadonlyArray', from: 'natGatewayId', to: 'natTargetId' },
  { file: 'functions/membership/types.ts', after: 'readonly vpcId', from: 'natGatewayIds', to: 'natTargetIds' },
  { file: 'functions/report/types.ts', after: 'readonly natGateways: Array<', from: 'natGatewayId', to: 'natTargetId' },
  { file: 'functions/shared/registry/records.ts', after: 'export interface NetworkRecord', from: 'natGatewayIds', to: 'natTargetIds' },
];

/**
 * Object literals no declared type reaches (built in a callback, then returned), and their shorthand: exact text
 * edits, applied after the renames, every occurrence. Skipped when `from` is gone (already applied).
 */
const TEXT_EDITS: ReadonlyArray<{ readonly file: string; readonly from: string; readonly to: string }> = [
  { file: 'functions/network/nat-gateway-readiness.ts', from: 'return { natGatewayId, az, state: nat?.State', to: 'return { natTargetId: natGatewayId, az, state: nat?.State' },
  { file: 'functions/network/nat-gateway-readiness.ts', from: 'broken.natGatewayId', to: 'broken.natTargetId' },
  { file: 'functions/network/nat-gateway-readiness.ts', from: '({ natGatewayId, az, state, addresses }) => ({ natGatewayId, az, state, addresses })', to: '({ natTargetId, az, state, addresses }) => ({ natTargetId, az, state, addresses })' },
  { file: 'functions/network/nat-instance-readiness.ts', from: 'return { natGatewayId: nat.natTargetId, az', to: 'return { natTargetId: nat.natTargetId, az' },
  { file: 'functions/validate/already-member.ts', from: "return { natGatewayId, az, state: nat?.State ?? 'missing'", to: "return { natTargetId: natGatewayId, az, state: nat?.State ?? 'missing'" },
  { file: 'functions/validate/already-member.ts', from: '({ natGatewayId, az }) => ({ natGatewayId, az })', to: '({ natTargetId, az }) => ({ natTargetId, az })' },
  { file: 'functions/membership/record-membership.ts', from: 'natGatewayIds,\n      ledgerSize', to: 'natTargetIds: natGatewayIds,\n      ledgerSize' },
  { file: 'functions/membership/record-membership.ts', from: 'const natGatewayIds = unique(', to: 'const natTargetIds = unique(' },
  { file: 'functions/membership/record-membership.ts', from: 'natTargetIds: natGatewayIds,', to: 'natTargetIds,' },
  { file: 'test/cli/diagram.test.ts', from: "{ az: 'us-east-1a', natGatewayId: 'nat-0aa' }", to: "{ az: 'us-east-1a', natTargetId: 'nat-0aa' }" },
];

const root = resolve(__dirname, '..');
const config = ts.readConfigFile(resolve(root, 'tsconfig.json'), ts.sys.readFile).config as unknown;
const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root);
const contents = new Map<string, string>();
const versions = new Map<string, number>();
const read = (file: string): string => contents.get(file) ?? ts.sys.readFile(file) ?? '';
const service = ts.createLanguageService(
  {
    getScriptFileNames: () => parsed.fileNames,
    getScriptVersion: (file) => String(versions.get(file) ?? 0),
    getScriptSnapshot: (file) => (ts.sys.fileExists(file) ? ts.ScriptSnapshot.fromString(read(file)) : undefined),
    getCurrentDirectory: () => root,
    getCompilationSettings: () => parsed.options,
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
    fileExists: ts.sys.fileExists,
    readFile: read,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  },
  ts.createDocumentRegistry(),
);

function positionOf(declaration: Declaration): number | undefined {
  const file = resolve(root, declaration.file);
  const text = read(file);
  const anchor = text.indexOf(declaration.after);
  if (anchor < 0) throw new Error(`${declaration.file}: "${declaration.after}" not found: update the script's DECLARATIONS`);
  const property = new RegExp(`\\b(${declaration.from}|${declaration.to})\\??:`, 'g');
  property.lastIndex = anchor;
  const found = property.exec(text);
  if (!found) throw new Error(`${declaration.file}: no ${declaration.from} after "${declaration.after}"`);
  return found[1] === declaration.to ? undefined : found.index;
}

let renamed = 0;
for (const declaration of DECLARATIONS) {
  const position = positionOf(declaration);
  if (position === undefined) continue;
  const locations = service.findRenameLocations(resolve(root, declaration.file), position, false, false, { providePrefixAndSuffixTextForRename: true }) ?? [];
  const byFile = new Map<string, ts.RenameLocation[]>();
  for (const location of locations) byFile.set(location.fileName, [...(byFile.get(location.fileName) ?? []), location]);
  for (const [file, spots] of byFile) {
    let text = read(file);
    for (const spot of [...spots].sort((a, b) => b.textSpan.start - a.textSpan.start)) {
      const { start, length } = spot.textSpan;
      text = `${text.slice(0, start)}${spot.prefixText ?? ''}${declaration.to}${spot.suffixText ?? ''}${text.slice(start + length)}`;
    }
    contents.set(file, text);
    versions.set(file, (versions.get(file) ?? 0) + 1);
  }
  renamed += locations.length;
  console.log(`${declaration.file} ${declaration.after} .${declaration.from} -> .${declaration.to}: ${locations.length} places in ${byFile.size} files`);
}
for (const edit of TEXT_EDITS) {
  const file = resolve(root, edit.file);
  const text = read(file);
  if (!text.includes(edit.from)) continue;
  contents.set(file, text.split(edit.from).join(edit.to));
  renamed += text.split(edit.from).length - 1;
  console.log(`${edit.file}: "${edit.from}" -> "${edit.to}"`);
}
const dryRun = process.argv.includes('--dry-run');
if (!dryRun) for (const [file, text] of contents) writeFileSync(file, text);
console.log(`${renamed} places ${dryRun ? 'to rename (--dry-run: nothing written)' : 'renamed'} in ${contents.size} files`);
