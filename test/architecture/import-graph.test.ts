import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TASKS } from '../../functions/shared/task-registry';
import { areaViolations, cyclesOf, exportsHandler, folderEdges, handlerFilesOf, handlerImports, importGraph, readSources, ROOT, upwardImports } from './import-graph';

const sources = readSources();
const exists = (path: string): boolean => sources.has(path) || existsSync(join(ROOT, path));
const edges = importGraph(sources, exists);
const handlerFiles = handlerFilesOf(sources, Object.values(TASKS));


describe('the import graph (CONTRIBUTING.md "Layout and imports")', () => {
  it('reads the sources of every layer', () => {
    for (const folder of ['functions/shared/', 'functions/network/', 'statemachine/', 'infra/', 'local/', 'cli/', 'test/', 'bench/']) {
      expect([folder, [...sources.keys()].some((path) => path.startsWith(folder))]).toEqual([folder, true]);
    }
    expect(edges.length).toBeGreaterThan(100);
  });

  it('has only imports that point down: functions/shared <- functions <- statemachine <- infra, local <- cli; test and bench on top', () => {
    expect(upwardImports(edges)).toEqual([]);
  });

  it('knows every task of the registry and the catalog API as a handler file, each exporting its handler', () => {
    const withoutHandler = [...handlerFiles].filter((file) => !exportsHandler(sources.get(file) ?? ''));
    expect(withoutHandler).toEqual([]);
    const registered = Object.values(TASKS).map((file) => `functions/${file}`);
    expect([...handlerFiles].filter((file) => !registered.includes(file)).sort()).toEqual([
      'functions/api/delete-network.ts',
      'functions/api/delete-request.ts',
      'functions/api/get-networks.ts',
      'functions/api/get-request.ts',
      'functions/api/start-request.ts',
    ]);
  });

  it('has no module importing a handler file (what two tasks share lives in a shared module)', () => {
    const found = handlerImports(edges, handlerFiles).map(({ from, to }) => ({ from, to }));
    expect(found).toEqual([]);
  });

  it('fails on an upward import, a sideways one and a handler import (the check can fail)', () => {
    // GIVEN a shared module importing the CLI, infra importing local, bench importing test, and the CLI importing a task
    const planted = new Map([
      ['functions/shared/planted.ts', "import { runCommand } from '../../cli/run';\nexport type { Palette } from '../../cli/io';"],
      ['infra/planted.ts', "const env = require('../local/local-environment');"],
      ['bench/planted.ts', "import('../test/support/harness');"],
      ['cli/planted.ts', "import { handler } from '../functions/network/ensure-vpc';"],
      ['statemachine/planted.ts', "// import { x } from '../cli/run';\nconst text = \"import '../cli/run'\";"],
    ]);
    // WHEN the graph is read
    const plantedEdges = importGraph(planted, exists);
    // THEN each planted import is reported, and neither the comment nor the string is an import
    expect(upwardImports(plantedEdges)).toEqual([
      { from: 'functions/shared/planted.ts', to: 'cli/run.ts' },
      { from: 'functions/shared/planted.ts', to: 'cli/io.ts' },
      { from: 'infra/planted.ts', to: 'local/local-environment.ts' },
      { from: 'bench/planted.ts', to: 'test/support/harness.ts' },
    ]);
    expect(handlerImports(plantedEdges, handlerFiles)).toEqual([{ from: 'cli/planted.ts', to: 'functions/network/ensure-vpc.ts' }]);
  });

  it('keeps test support (faults, call log) out of local mode: neither the CLI nor local/ outside it may import local/test-support', () => {
    // GIVEN the CLI and local mode importing the fault proxy, and a test and the bench doing so
    const planted = new Map([
      ['cli/planted.ts', "import { emulator } from '../local/test-support/emulator-control';"],
      ['local/planted.ts', "import { startFaultProxy } from './test-support/fault-proxy';"],
      ['test/planted.ts', "import { emulator } from '../local/test-support/emulator-control';"],
      ['bench/planted.ts', "import { startFaultProxy } from '../local/test-support/fault-proxy';"],
    ]);
    // WHEN the graph is read
    const plantedEdges = importGraph(planted, exists);
    // THEN exactly the CLI's and local mode's imports are reported
    expect(upwardImports(plantedEdges)).toEqual([
      { from: 'cli/planted.ts', to: 'local/test-support/emulator-control.ts' },
      { from: 'local/planted.ts', to: 'local/test-support/fault-proxy.ts' },
    ]);
  });

  it('has no import cycle between files, type-only imports included (a cycle is a module split in the wrong place)', () => {
    expect(cyclesOf(edges)).toEqual([]);
  });

  it('fails on a planted cycle, through a type-only import too (the check can fail)', () => {
    // GIVEN two modules that import each other, one of them only for a type, beside the real sources
    const planted = new Map([
      ...sources,
      ['functions/shared/planted-a.ts', "import { b } from './planted-b';\nexport const a = b;"],
      ['functions/shared/planted-b.ts', "import type { a } from './planted-a';\nexport const b = 1;"],
    ]);
    // WHEN the graph is read
    const plantedEdges = importGraph(planted, (path) => planted.has(path) || exists(path));
    // THEN exactly that pair is reported
    expect(cyclesOf(plantedEdges)).toEqual([['functions/shared/planted-a.ts', 'functions/shared/planted-b.ts']]);
  });

  it('has no import cycle between folders either (a folder cycle is a concern split in the wrong place)', () => {
    expect(cyclesOf(folderEdges(edges))).toEqual([]);
  });

  it('fails on a planted folder cycle (the check can fail)', () => {
    // GIVEN a network module importing the undo engine, which already reads route tables from functions/network
    const planted = new Map([...sources, ['functions/network/planted.ts', "import type { RollbackStep } from '../undo/types';"]]);
    // WHEN the folder graph is read
    const cycles = cyclesOf(folderEdges(importGraph(planted, exists)));
    // THEN the two folders are reported as a cycle
    expect(cycles).toEqual([['functions/network', 'functions/undo']]);
  });

  it('has function areas importing only lower areas (FUNCTION_AREA_LEVEL in import-graph.ts says which is which)', () => {
    expect(areaViolations(edges)).toEqual([]);
  });

  it('fails on a planted import of a higher area and on an unknown area (the check can fail)', () => {
    // GIVEN the network building block importing the release workflow, and a new area nobody placed
    const planted = new Map([
      ['functions/network/planted.ts', "import { x } from '../release/types';"],
      ['functions/newarea/planted.ts', "import { y } from '../shared/types';"],
    ]);
    // WHEN the area rule is checked
    const found = areaViolations(importGraph(planted, exists)).map(({ from, reason }) => ({ from, reason }));
    // THEN both are reported with their reason
    expect(found).toEqual([
      { from: 'functions/network/planted.ts', reason: 'network (level 1) imports release (level 4)' },
      { from: 'functions/newarea/planted.ts', reason: 'area not in FUNCTION_AREA_LEVEL' },
    ]);
  });
});
