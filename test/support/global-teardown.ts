// Removes the PGlite template folder made by global-setup.ts.
import * as fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const dir = process.env.CRM_TEST_PGLITE_TEMPLATE;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
