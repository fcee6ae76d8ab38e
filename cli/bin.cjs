#!/usr/bin/env node
'use strict';
// The lambda-egress command (package.json "bin"): runs cli/main.ts through tsx, on Node 22 or newer
// (the version the local state machine interpreter and Lambda's nodejs22.x runtime need).
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(
    `lambda-egress needs Node.js 22 or newer, this is ${process.version}: run it as "npx lambda-egress" or "npm run demo" ` +
      'from the project after "npm ci" (they use the Node 22 the project installs), or install Node.js 22.\n',
  );
  process.exit(1);
}
require('tsx/cjs');
const { main } = require('./main.ts');
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`lambda-egress: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);
