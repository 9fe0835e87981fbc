import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataDirInUseError, DataDirLock } from './data-dir-lock';

describe('data folder lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-lock-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is taken by the first process and released on close', () => {
    const lock = DataDirLock.acquire(dir);
    expect(fs.readFileSync(path.join(dir, 'crm.lock'), 'utf8')).toBe(String(process.pid));
    lock.release();
    expect(fs.existsSync(path.join(dir, 'crm.lock'))).toBe(false);
  });

  it('refuses a second process while the owner lives, naming the owner', () => {
    fs.writeFileSync(path.join(dir, 'crm.lock'), String(process.ppid));
    expect(() => DataDirLock.acquire(dir)).toThrow(DataDirInUseError);
    expect(() => DataDirLock.acquire(dir)).toThrow(`is in use by process ${process.ppid}`);
    expect(() => DataDirLock.assertFree(dir)).toThrow(DataDirInUseError);
  });

  it('takes over a lock left by a process that died', () => {
    fs.writeFileSync(path.join(dir, 'crm.lock'), '999999999');
    expect(() => DataDirLock.assertFree(dir)).not.toThrow();
    const lock = DataDirLock.acquire(dir);
    expect(fs.readFileSync(path.join(dir, 'crm.lock'), 'utf8')).toBe(String(process.pid));
    lock.release();
  });
});
