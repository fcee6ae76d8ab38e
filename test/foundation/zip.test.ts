import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, zipSingleFile } from '../../functions/shared/zip';

describe('zipSingleFile', () => {
  it('computes the standard CRC-32 check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('writes an archive that python\'s zipfile reads back byte for byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zip-'));
    const archive = join(dir, 'code.zip');
    writeFileSync(archive, zipSingleFile('index.mjs', 'export const handler = async () => 200;\n'));
    execFileSync('python3', ['-c', `import zipfile; z = zipfile.ZipFile("${archive}"); assert z.testzip() is None; z.extractall("${dir}")`]);
    expect(readFileSync(join(dir, 'index.mjs'), 'utf8')).toBe('export const handler = async () => 200;\n');
  });
});
