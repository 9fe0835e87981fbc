#!/usr/bin/env node
// Runs Jest with the flag PGlite needs (it loads parts of itself by dynamic
// import) and ends with one plain summary line: "tests: N passed, N failed, N skipped".
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crm-jest-')), 'report.json');
const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings=ExperimentalWarning`.trim() };
const jest = require.resolve('jest/bin/jest');
const result = spawnSync(process.execPath, [jest, '--json', `--outputFile=${report}`, ...process.argv.slice(2)], { stdio: 'inherit', env });
try {
  const r = JSON.parse(fs.readFileSync(report, 'utf8'));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
} catch {
  // Jest did not get as far as writing a report; its own output says why.
}
process.exit(result.status ?? 1);
