#!/usr/bin/env node
// Runs Jest with the flag PGlite needs (it loads parts of itself by dynamic import).
const { spawnSync } = require('node:child_process');
const args = process.argv.slice(2);
const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim() };
const jest = require.resolve('jest/bin/jest');
const result = spawnSync(process.execPath, [jest, ...args], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
