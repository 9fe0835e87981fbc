// A service process (API, CLI, worker) started from the sources with
// ts-node, as a child the test can SIGKILL: `started` resolves once it says
// it is working (or has exited), `exited` with its exit code.
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const TS = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'];

export interface Child {
  proc: ChildProcess;
  started: Promise<void>;
  exited: Promise<number | null>;
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string;
}

/** The child gets this process's environment without DATABASE_URL, then `env`. */
export function child(args: string[], env: Record<string, string>, startedWhen = /events \(position|listening|projecting from/): Child {
  const clean = { ...process.env };
  delete clean.DATABASE_URL;
  const proc = spawn(process.execPath, [...TS, ...args], { cwd: ROOT, env: { ...clean, LOG_LEVEL: 'error', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  let text = '';
  const watch = (chunk: Buffer) => {
    text += chunk.toString();
    if (startedWhen.test(text)) markStarted();
  };
  proc.stdout?.on('data', watch);
  proc.stderr?.on('data', watch);
  const exited = new Promise<number | null>((resolve) =>
    proc.on('exit', (code) => {
      markStarted();
      resolve(code);
    }),
  );
  return { proc, started, exited, output: () => text };
}
