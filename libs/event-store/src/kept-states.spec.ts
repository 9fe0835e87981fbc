// The states kept in memory are bounded by count and by the events they stand for.
import { KeptStates } from './stream-states';

const kept = (version: number) => ({ version, state: {}, snapshotAt: 0 });

describe('KeptStates', () => {
  it('given more long streams than the event budget holds, when they are kept, then the least recently used go first', () => {
    const states = new KeptStates(100, 1_000);
    for (let i = 0; i < 5; i++) states.set(`s${i}`, kept(300));
    expect(states.size).toEqual({ states: 3, events: 900 });
    expect(states.get('s0')).toBeUndefined();
    expect(states.get('s4')?.version).toBe(300);
  });

  it('given a kept stream, when it grows, then its events are counted once at its new version', () => {
    const states = new KeptStates(100, 1_000);
    states.set('a', kept(100));
    states.get('a');
    states.set('a', kept(400));
    expect(states.size).toEqual({ states: 1, events: 400 });
  });

  it('given a state used recently, when the budget is exceeded, then an older one goes instead', () => {
    const states = new KeptStates(2, 10_000);
    states.set('a', kept(40));
    states.set('b', kept(40));
    states.get('a');
    states.set('c', kept(40));
    expect(states.get('b')).toBeUndefined();
    expect(states.get('a')).toBeDefined();
  });

  it('given an older version of a kept stream, when it is offered, then the newer one stays', () => {
    const states = new KeptStates();
    states.set('a', kept(50));
    states.set('a', kept(40));
    expect(states.get('a')?.version).toBe(50);
    expect(states.size.events).toBe(50);
  });
});
