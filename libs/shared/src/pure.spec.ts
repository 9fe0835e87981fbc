// Domain code (deciders, evolve, the pure rules) loads no Nest: it imports the
// pure part of @crm/shared only. Checked in a fresh process.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

describe('the pure part of the shared library', () => {
  it('the deciders of every slice and the event-store port load without Nest', () => {
    const root = path.resolve(__dirname, '../../..');
    const modules = [
      'libs/customers/src/business-logic',
      'libs/complaints/src/business-logic',
      'libs/tiers/src/business-logic',
      'libs/tiers/src/tier-history',
      'libs/tiers/src/dated-facts',
      'libs/lifecycle/src/lifecycle',
      'libs/event-store/src/index',
      'libs/shared/src/index',
    ];
    const script = `${modules.map((m) => `require('./${m}');`).join('')}process.stdout.write(String(Object.keys(require.cache).filter((k) => k.includes('@nestjs')).length))`;
    const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('0');
  });
});
