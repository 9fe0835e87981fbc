// One process owns an embedded data folder: PGlite is a single backend and two
// writers would corrupt it. The lock file holds the owner's pid; a lock left by
// a dead process is taken over.
import * as fs from 'node:fs';
import * as path from 'node:path';

export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
}

export class DataDirLock {
  private constructor(readonly file: string) {}

  static acquire(dataDir: string): DataDirLock {
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, 'crm.lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
        return new DataDirLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = Number(fs.readFileSync(file, 'utf8').trim());
        if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
          throw new DataDirInUseError(`data folder ${dataDir} is in use by process ${owner}; stop that process or set DATA_DIR to another folder`);
        }
        fs.rmSync(file, { force: true });
      }
    }
    throw new DataDirInUseError(`could not lock data folder ${dataDir}`);
  }

  /** Fails fast, before anything else starts, when another live process holds the folder. */
  static assertFree(dataDir: string): void {
    const file = path.join(dataDir, 'crm.lock');
    let owner: number;
    try {
      owner = Number(fs.readFileSync(file, 'utf8').trim());
    } catch {
      return;
    }
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
      throw new DataDirInUseError(`data folder ${dataDir} is in use by process ${owner}; stop that process or set DATA_DIR to another folder`);
    }
  }

  release(): void {
    try {
      if (fs.readFileSync(this.file, 'utf8').trim() === String(process.pid)) fs.rmSync(this.file, { force: true });
    } catch {
      // already gone
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
