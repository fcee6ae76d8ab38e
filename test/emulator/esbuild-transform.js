const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { transformSync, version } = require('esbuild');

/**
 * jest's transform for the project's TypeScript: esbuild strips the types, as ts-jest did with isolatedModules
 * (tsconfig.json), at a fraction of its CPU: ts-jest loads the TypeScript compiler into every jest worker and
 * builds a program per file. Type errors are `npx tsc --noEmit`'s job (.ci/run runs it before the tests), as
 * they already were: ts-jest transpiled without type-checking. The project uses nothing esbuild cannot strip
 * file by file (no `const enum` across files, no decorators metadata, no `import x = require`): isolatedModules
 * in tsconfig.json makes tsc refuse such code.
 */
const TSCONFIG_RAW = readFileSync(require.resolve('../../tsconfig.json'), 'utf8');
/** Class fields as TypeScript emits them for the tsconfig's target ES2022 (useDefineForClassFields). */
const OPTIONS = { loader: 'ts', format: 'cjs', target: 'node22', platform: 'node', sourcemap: 'inline', tsconfigRaw: { compilerOptions: { target: 'ES2022', useDefineForClassFields: true } } };
const SELF = createHash('sha256').update(readFileSync(require.resolve('./esbuild-transform'))).update(version).update(TSCONFIG_RAW).digest('hex');

module.exports = {
  process(source, filename) {
    const { code } = transformSync(source, { ...OPTIONS, sourcefile: filename });
    return { code };
  },
  getCacheKey(source, filename) {
    return createHash('sha256').update(SELF).update('\0').update(filename).update('\0').update(source).digest('hex');
  },
};
