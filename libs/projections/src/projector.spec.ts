import type { RecordedEvent } from '@crm/event-store';
import { partitioned, partitionNames, Projector } from './projector';

const seen: string[] = [];
const projector = (name: string, byStream: boolean): Projector => ({
  name,
  tables: [`rm_${name}`],
  byStream,
  apply: async (events) => void seen.push(...events.map((e) => `${name}:${e.id}`)),
});

describe('partitioned projectors', () => {
  it('given one partition, when split, then every projector stays whole under its own name', () => {
    const whole = [projector('a', true), projector('b', false)];
    expect(partitioned(whole, 1)).toEqual(whole);
    expect(partitionNames('a', 1)).toEqual(['a']);
  });

  it('given three partitions, when split, then by-stream projectors become three units and the others stay whole', async () => {
    const units = partitioned([projector('a', true), projector('outbox', false)], 3);
    expect(units.map((u) => u.name)).toEqual(['a#0/3', 'a#1/3', 'a#2/3', 'outbox']);
    expect(units.map((u) => u.partition)).toEqual([{ index: 0, count: 3 }, { index: 1, count: 3 }, { index: 2, count: 3 }, undefined]);
    expect(units.map((u) => u.base)).toEqual(['a', 'a', 'a', undefined]);
    expect(units[1].tables).toEqual(['rm_a']);
    // A unit applies through its projector.
    await units[2].apply([{ id: 'e1' } as RecordedEvent], {} as never);
    expect(seen).toEqual(['a:e1']);
  });
});
