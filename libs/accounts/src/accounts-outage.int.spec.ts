// While the database cannot be reached, the accounts directory is refreshed
// on a timer, not on every request, and the outage is logged once (a real
// store whose database was closed: PGlite, and PostgreSQL when DATABASE_URL is set).
import { Logger } from '@nestjs/common';
import type { CommandBus } from '@nestjs/cqrs';
import { SqlEventStore } from '@crm/event-store/adapters';
import { loadConfig } from '@crm/shared';
import { testDatabases } from '../../../test/support/test-databases';
import { AccountsService } from './accounts.service';
import { TokenSigner } from './credentials';

for (const database of testDatabases()) {
  describe(`accounts during an outage on ${database.name}`, () => {
    it('Given the database gone, When 200 requests authenticate within a second and more after, Then one read a 2 s interval and one warning for the whole outage', async () => {
      const { sql, dispose } = await database.open();
      const store = new SqlEventStore(sql);
      const accounts = new AccountsService(undefined as unknown as CommandBus, store, sql, loadConfig({}), new TokenSigner(Buffer.alloc(32, 7), 3600));
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const reads = jest.spyOn(store, 'readStream');
      try {
        await sql.close();
        for (let i = 0; i < 200; i++) await expect(accounts.authenticate('not-a-token')).rejects.toThrow();
        await new Promise((r) => setTimeout(r, 100));
        expect(reads.mock.calls.length).toBe(1);
        expect(warn.mock.calls.filter(([line]) => String(line).startsWith('could not refresh accounts'))).toHaveLength(1);
        await new Promise((r) => setTimeout(r, 2_100));
        await expect(accounts.authenticate('not-a-token')).rejects.toThrow();
        await new Promise((r) => setTimeout(r, 100));
        expect(reads.mock.calls.length).toBe(2);
        expect(warn.mock.calls.filter(([line]) => String(line).startsWith('could not refresh accounts'))).toHaveLength(1);
      } finally {
        warn.mockRestore();
        await dispose().catch(() => undefined);
      }
    });
  });
}
