#!/usr/bin/env node
'use strict';
// The lambda-egress command (package.json "bin"), on Node 22 or newer (the version the local state machine
// interpreter and Lambda's nodejs22.x runtime need). In a checkout of the repository (it has tsconfig.json) it
// runs cli/main.ts through tsx, so an edit shows at once; installed from the package it runs the JavaScript
// `npm pack` compiled into dist/ (infra/package/build-package.ts): tsx is a devDependency, not installed there.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(
    `lambda-egress needs Node.js 22 or newer, this is ${process.version}: run it as "npx lambda-egress" or "npm run demo" ` +
      'from the project after "npm ci" (they use the Node 22 the project installs), or install Node.js 22.\n',
  );
  process.exit(1);
}
const checkout = existsSync(join(__dirname, '..', 'tsconfig.json'));
const compiled = join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!checkout && !existsSync(compiled)) {
  process.stderr.write(`lambda-egress: ${compiled} is missing: the package was packed without its prepack build (npm pack runs it)\n`);
  process.exit(1);
}
if (checkout) require('tsx/cjs');
const { main } = require(checkout ? './main.ts' : compiled);
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`lambda-egress: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);
