#!/usr/bin/env node
// Builds dist/ (the API, the CLI and the worker, in one compile; the console with Vite) only when a source file,
// a tsconfig or the lock file is newer than the last build, so that a second
// `npm start` or any `npm run cli -- ...` starts at once.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const stamp = path.join(root, 'dist', '.build-stamp');
const outputs = ['dist/apps/api/src/main.js', 'dist/apps/cli/src/main.js', 'dist/apps/worker/src/main.js', 'dist/console/index.html'].map((p) => path.join(root, p));
const quiet = process.argv.includes('--quiet');

function newest(dir) {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full));
    else if (/\.(ts|tsx|css|html)$/.test(entry.name) && !entry.name.endsWith('.spec.ts')) latest = Math.max(latest, fs.statSync(full).mtimeMs);
  }
  return latest;
}

function sourcesChangedAt() {
  const files = ['tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', 'package-lock.json', 'apps/api/tsconfig.app.json', 'apps/worker/tsconfig.app.json'].map((f) =>
    path.join(root, f),
  );
  return Math.max(newest(path.join(root, 'apps')), newest(path.join(root, 'libs')), ...files.filter(fs.existsSync).map((f) => fs.statSync(f).mtimeMs));
}

const upToDate = fs.existsSync(stamp) && outputs.every(fs.existsSync) && fs.statSync(stamp).mtimeMs >= sourcesChangedAt();
if (!upToDate) {
  if (!quiet) console.error('crm: building (sources changed since the last build) ...');
  const started = Date.now();
  const nest = require.resolve('@nestjs/cli/bin/nest.js');
  const result = spawnSync(process.execPath, [nest, 'build', 'api'], { cwd: root, stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  const console_ = spawnSync(process.execPath, [vite, 'build', '--config', 'apps/console/vite.config.mts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
  });
  if (console_.status !== 0) process.exit(console_.status ?? 1);
  fs.writeFileSync(stamp, new Date().toISOString());
  if (!quiet) console.error(`crm: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
