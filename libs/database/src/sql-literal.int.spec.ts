// sqlLiteral and the round trips it saves: hostile strings come back as they
// went in; statements sent with BEGIN and with COMMIT run in the transaction
// (and a failing one commits nothing). Real SQL: PGlite always, PostgreSQL
// when DATABASE_URL is set.
import { testDatabases } from '../../../test/support/test-databases';
import { SqlClient, sqlLiteral } from './sql-client';

for (const database of testDatabases()) {
  describe(`sqlLiteral and transactions on ${database.name}`, () => {
    let sql: SqlClient;
    let dispose: () => Promise<void>;
    beforeAll(async () => ({ sql, dispose } = await database.open()));
    afterAll(async () => dispose?.());

    it.each(["it's", "'; DROP TABLE crm_events; --", 'back\\slash\\', "\\'", '顾客 #1/4', '$1 $$ $tag$', '\u{1F600} \u2028'])(
      'Given %j, When sent as a literal, Then it comes back unchanged',
      async (value) => {
        expect(await sql.query<{ v: string }>(`SELECT ${sqlLiteral(value)} AS v`)).toEqual([{ v: value }]);
      },
    );

    it('Given U+0000, When made a literal, Then it is refused', () => {
      expect(() => sqlLiteral('a\u0000b')).toThrow(/U\+0000/);
    });

    it('Given an opening statement and one sent with COMMIT, When the transaction runs, Then both ran in it; a failing one commits nothing', async () => {
      await sql.exec('CREATE TABLE IF NOT EXISTS t_literal_probe (n int PRIMARY KEY)');
      const opened = await sql.transaction(
        async (tx) => {
          await tx.query('INSERT INTO t_literal_probe (n) VALUES (1)');
          tx.commitWith('INSERT INTO t_literal_probe (n) VALUES (2)');
          return tx.opened;
        },
        { opening: 'SELECT 7 AS seven', asyncCommit: true },
      );
      expect(opened).toEqual([{ seven: 7 }]);
      await expect(
        sql.transaction(async (tx) => {
          await tx.query('INSERT INTO t_literal_probe (n) VALUES (3)');
          tx.commitWith('INSERT INTO t_literal_probe (n) VALUES (1)');
        }),
      ).rejects.toThrow();
      expect((await sql.query<{ n: number }>('SELECT n FROM t_literal_probe ORDER BY n')).map((r) => r.n)).toEqual([1, 2]);
      await sql.exec('DROP TABLE t_literal_probe');
    });
  });
}
