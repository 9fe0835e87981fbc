import { partitionOf, partitionSql } from './partition';

describe('partitions of the log', () => {
  it('given a stream id, when its partition is asked twice or for one partition, then it is the same and in range', () => {
    expect(partitionOf('customer-6f1c', 4)).toBe(partitionOf('customer-6f1c', 4));
    expect(partitionOf('customer-6f1c', 1)).toBe(0);
    for (let i = 0; i < 100; i++) expect(partitionOf(`customer-${i}`, 7)).toBeLessThan(7);
  });

  it('given many streams, when split in four, then each partition gets about a quarter', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 10_000; i++) counts[partitionOf(`customer-${i}`, 4)]++;
    for (const n of counts) expect(Math.abs(n - 2_500)).toBeLessThan(250);
  });

  it('given a count out of range, when SQL is asked for, then it refuses', () => {
    expect(() => partitionSql('stream_id', 0)).toThrow('1..64');
    expect(() => partitionSql('stream_id', 1.5)).toThrow();
    expect(partitionSql('stream_id', 4)).toContain('md5(stream_id)');
  });
});
