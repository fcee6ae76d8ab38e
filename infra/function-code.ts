import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Where the npm package keeps its handlers, bundled when it was packed (infra/package/build-package.ts): the
 * construct then synthesizes in a user's app with neither esbuild nor Docker, and from exactly the code the
 * package was built and tested with. Run from the sources (.ts: the tests, `npx cdk deploy` in this repository),
 * NodejsFunction bundles as before.
 */
const PREBUNDLED_DIR = join(__dirname, '..', 'lambda');

/** The folder of a handler's bundle inside PREBUNDLED_DIR: its path below functions/, without the extension. */
export function prebundledFolderOf(functionsDir: string, entry: string): string {
  return relative(functionsDir, entry).replace(/\.[cm]?[jt]s$/, '');
}

/**
 * The directory of `entry`'s prebundled handler (index.js) when this module runs compiled from the package, or
 * undefined when it runs from the sources. A compiled module without the bundle is a broken package: that fails.
 */
export function prebundledCodeOf(functionsDir: string, entry: string, options: { readonly bundleAwsSdk: boolean }): string | undefined {
  if (!__filename.endsWith('.js')) return undefined;
  const dir = join(PREBUNDLED_DIR, prebundledFolderOf(functionsDir, entry));
  if (!existsSync(join(dir, 'index.js'))) {
    throw new Error(`the lambda-egress package has no bundled handler at ${dir}: reinstall the package (npm pack builds it with infra/package/build-package.ts)`);
  }
  if (options.bundleAwsSdk) {
    throw new Error("bundleAwsSdk: the packaged handlers use the Lambda runtime's AWS SDK; bundle the SDK from a checkout of lambda-egress (npx cdk deploy there) or leave bundleAwsSdk unset");
  }
  return dir;
}
