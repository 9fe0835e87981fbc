// Sorting an import's rows by customer in constant memory: runs spill to
// temporary files and merge back in customer, then business-time, order.
import * as fs from 'node:fs';
import type { ImportRow } from './import-file';
import { SortedRows } from './sorted-rows';

const row = (line: number, customerRef: string, at: string, kind: 'purchase' | 'refund' = 'purchase'): ImportRow => ({
  line,
  customerRef,
  occurredAt: new Date(at),
  input:
    kind === 'purchase'
      ? { purchase: { orderId: `O${line}`, occurredAt: at, amount: '1.00', currency: 'CNY', items: [] } }
      : { refund: { refundId: `R${line}`, occurredAt: at, amount: '1.00', currency: 'CNY' } },
});

async function sortAll(rows: ImportRow[], runSize: number): Promise<Array<[number, string, string]>> {
  const sorter = new SortedRows(runSize);
  try {
    for (const r of rows) await sorter.add(r);
    const out: Array<[number, string, string]> = [];
    for await (const r of sorter.sorted()) out.push([r.line, r.customerRef, r.occurredAt.toISOString()]);
    return out;
  } finally {
    sorter.dispose();
  }
}

describe('sorting import rows by customer', () => {
  const rows = [
    row(2, 'C', '2024-03-01T00:00:00Z'),
    row(3, 'A', '2024-02-01T00:00:00Z', 'refund'),
    row(4, 'B', '2024-01-01T00:00:00Z'),
    row(5, 'A', '2024-02-01T00:00:00Z'),
    row(6, 'C', '2024-01-01T00:00:00Z'),
    row(7, 'A', '2024-01-15T00:00:00Z'),
    row(8, 'B', '2024-01-01T00:00:00Z'),
  ];
  const expected = [
    [7, 'A', '2024-01-15T00:00:00.000Z'],
    // The same instant: the purchase before the refund, so the refund finds its order.
    [5, 'A', '2024-02-01T00:00:00.000Z'],
    [3, 'A', '2024-02-01T00:00:00.000Z'],
    [4, 'B', '2024-01-01T00:00:00.000Z'],
    [8, 'B', '2024-01-01T00:00:00.000Z'],
    [6, 'C', '2024-01-01T00:00:00.000Z'],
    [2, 'C', '2024-03-01T00:00:00.000Z'],
  ];

  it('gives every row once, by customer and business time, in memory and merged from runs on disk alike', async () => {
    expect(await sortAll(rows, 100)).toEqual(expected);
    expect(await sortAll(rows, 2)).toEqual(expected);
    expect(await sortAll(rows, 1)).toEqual(expected);
  });

  it('merges many runs exactly as one sort in memory (random rows, runs of 4 to 50)', async () => {
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), seed % n);
    const many = Array.from({ length: 1_500 }, (_, i) =>
      row(i + 2, `C${random(60)}`, new Date(Date.UTC(2024, 0, 1 + random(40), random(3))).toISOString(), random(4) === 0 ? 'refund' : 'purchase'),
    );
    const inMemory = await sortAll(many, 10_000);
    // Runs of 4 rows: 375 files open at once, within the usual limit of 1,024 descriptors.
    for (const runSize of [4, 7, 50]) expect(await sortAll(many, runSize)).toEqual(inMemory);
  });

  it('leaves no temporary files behind', async () => {
    const sorter = new SortedRows(2);
    for (const r of rows) await sorter.add(r);
    for await (const _ of sorter.sorted()) void _;
    const dir = (sorter as unknown as { dir?: string }).dir;
    expect(dir && fs.existsSync(dir)).toBe(true);
    sorter.dispose();
    expect(fs.existsSync(dir as string)).toBe(false);
  });

  it('gives back every field of a row that went through a run on disk', async () => {
    const full: ImportRow[] = [
      {
        line: 2,
        customerRef: 'B',
        occurredAt: new Date('2024-01-01T08:00:00+08:00'),
        region: '浙江 "east"',
        input: {
          purchase: {
            orderId: 'O-1',
            occurredAt: '2024-01-01T08:00:00+08:00',
            amount: '0.01',
            currency: 'CNY',
            channel: 'web',
            items: [
              { sku: 'CARD, T-LIGHT', category: "BABY'S & more", quantity: 1000, unitPrice: '0.001' },
              { sku: 'S2', quantity: 1, unitPrice: '5' },
            ],
          },
        },
      },
      {
        line: 3,
        customerRef: 'A',
        occurredAt: new Date('2024-01-02T00:00:00Z'),
        input: { refund: { refundId: 'R-1', orderId: 'O-9', occurredAt: '2024-01-02T00:00:00Z', amount: '1.00', currency: 'CNY' } },
      },
      {
        line: 4,
        customerRef: 'A',
        occurredAt: new Date('2024-01-03T00:00:00Z'),
        input: { refund: { refundId: 'R-2', occurredAt: '2024-01-03T00:00:00Z', amount: '2.00', currency: 'CNY' } },
      },
      {
        line: 5,
        customerRef: 'A',
        occurredAt: new Date('2024-01-01T00:00:00Z'),
        input: { purchase: { orderId: 'O-2', occurredAt: '2024-01-01T00:00:00Z', amount: '3.00', currency: 'CNY', items: [] } },
      },
    ];
    const sorter = new SortedRows(1);
    try {
      for (const r of full) await sorter.add(r);
      const out: ImportRow[] = [];
      for await (const r of sorter.sorted()) out.push(r);
      expect(out).toEqual([full[3], full[1], full[2], full[0]]);
    } finally {
      sorter.dispose();
    }
  });
});

describe('sorting import rows that carry a profile', () => {
  it('given rows with personal fields spilled to disk, when they come back sorted, then each keeps its own fields', async () => {
    const sorter = new SortedRows(1);
    try {
      await sorter.add({ ...row(2, 'B', '2024-01-01T00:00:00Z'), profile: { name: '林小姐', email: 'lin@example.com' } });
      await sorter.add({ ...row(3, 'A', '2024-01-01T00:00:00Z', 'refund'), profile: { phone: '+86 138 0000 0000', birthDate: '1990-04-12' } });
      await sorter.add(row(4, 'A', '2024-02-01T00:00:00Z'));
      const out = [];
      for await (const r of sorter.sorted()) out.push([r.line, r.profile]);
      expect(out).toEqual([
        [3, { phone: '+86 138 0000 0000', birthDate: '1990-04-12' }],
        [4, undefined],
        [2, { name: '林小姐', email: 'lin@example.com' }],
      ]);
    } finally {
      sorter.dispose();
    }
  });
});
