import { WindowCounters } from './window-counters';

describe('WindowCounters (the rate limit counts)', () => {
  const minute = 60_000;
  let now = 0;
  const counters = () => new WindowCounters(() => now);

  it('Given a limit of 3 a minute, When a 4th request comes in the same minute, Then it is blocked until the block ends', async () => {
    now = 10 * minute;
    const c = counters();
    for (let i = 1; i <= 3; i++) expect(await c.increment('k', minute, 3, minute, 'default')).toMatchObject({ totalHits: i, isBlocked: false });
    now += 1_000;
    expect(await c.increment('k', minute, 3, minute, 'default')).toMatchObject({ isBlocked: true, timeToBlockExpire: 60 });
    now += 30_000;
    expect(await c.increment('k', minute, 3, minute, 'default')).toMatchObject({ isBlocked: true, timeToBlockExpire: 30 });
  });

  it('Given a full previous minute, When the next minute has just begun, Then the previous still counts by its overlap', async () => {
    now = 20 * minute;
    const c = counters();
    for (let i = 0; i < 4; i++) await c.increment('k', minute, 4, minute, 'default');
    now = 21 * minute + 15_000; // a quarter into the next minute: 3 of the previous 4 still count
    expect(await c.increment('k', minute, 4, minute, 'default')).toMatchObject({ totalHits: 4, isBlocked: false });
    expect(await c.increment('k', minute, 4, minute, 'default')).toMatchObject({ isBlocked: true });
  });

  it('Given two callers or two throttlers, When they count, Then each has its own window', async () => {
    now = 30 * minute;
    const c = counters();
    await c.increment('a', minute, 1, minute, 'default');
    expect(await c.increment('b', minute, 1, minute, 'default')).toMatchObject({ isBlocked: false });
    expect(await c.increment('a', minute, 1, minute, 'auth')).toMatchObject({ isBlocked: false });
    expect(await c.increment('a', minute, 1, minute, 'default')).toMatchObject({ isBlocked: true });
  });

  it('Given keys idle for two windows, When swept, Then they are forgotten (a blocked key is kept until its block ends)', async () => {
    now = 40 * minute;
    const c = counters();
    await c.increment('idle', minute, 5, minute, 'default');
    await c.increment('blocked', minute, 0, 10 * minute, 'default');
    c.sweep(now + 3 * minute);
    expect(c.size).toBe(1);
    c.sweep(now + 11 * minute);
    expect(c.size).toBe(0);
  });
});
