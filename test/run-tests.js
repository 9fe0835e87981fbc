#!/usr/bin/env node
// Runs Jest with the flag PGlite needs (it loads parts of itself by dynamic
// import) and ends with one plain summary line: "tests: N passed, N failed, N skipped".
// Without arguments it runs two phases: every suite, then the SIGKILL suite
// alone (its rebuild transactions would hold back gap-safe readers of the
// other suites on the same PostgreSQL server, and they time such waits).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings=ExperimentalWarning`.trim() };
const jest = require.resolve('jest/bin/jest');
const given = process.argv.slice(2);
const phases = given.length > 0 ? [given] : [['--testPathIgnorePatterns', 'projection-kill'], ['test/projection-kill']];

const total = { passed: 0, failed: 0, skipped: 0 };
let status = 0;
for (const args of phases) {
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crm-jest-')), 'report.json');
  const result = spawnSync(process.execPath, [jest, '--json', `--outputFile=${report}`, ...args], { stdio: 'inherit', env });
  if (result.status !== 0) status = result.status ?? 1;
  try {
    const r = JSON.parse(fs.readFileSync(report, 'utf8'));
    total.passed += r.numPassedTests;
    total.failed += r.numFailedTests;
    total.skipped += r.numPendingTests + r.numTodoTests;
  } catch {
    // Jest did not get as far as writing a report; its own output says why.
    if (status === 0) status = 1;
  }
}
console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(status);
