// Figures kept per question while the read models stand still.
import { PositionedCache } from './positioned-cache';

describe('PositionedCache', () => {
  let position = 1;
  let computed = 0;
  const cache = () => new PositionedCache<string>(async () => `customer-list@${position}`, 2);
  const compute = (value: string, during?: () => void) => async () => {
    computed++;
    during?.();
    return value;
  };
  beforeEach(() => {
    position = 1;
    computed = 0;
  });

  it('Given an answer, When asked again with the read models where they were, Then it is not computed again', async () => {
    const kept = cache();
    expect(await kept.get('q', compute('a'))).toBe('a');
    expect(await kept.get('q', compute('b'))).toBe('a');
    expect(computed).toBe(1);
  });

  it('Given an answer, When a batch has committed since, Then it is computed again', async () => {
    const kept = cache();
    await kept.get('q', compute('a'));
    position = 2;
    expect(await kept.get('q', compute('b'))).toBe('b');
    expect(await kept.get('q', compute('c'))).toBe('b');
  });

  it('Given a batch that commits while the answer is computed, When asked again, Then the answer given is not kept', async () => {
    const kept = cache();
    expect(
      await kept.get(
        'q',
        compute('a', () => (position = 2)),
      ),
    ).toBe('a');
    expect(await kept.get('q', compute('b'))).toBe('b');
    expect(computed).toBe(2);
  });

  it('Given askers who come together, When the answer is computed, Then it is computed once for all', async () => {
    const kept = cache();
    const answers = await Promise.all([kept.get('q', compute('a')), kept.get('q', compute('b')), kept.get('q', compute('c'))]);
    expect(answers).toEqual(['a', 'a', 'a']);
    expect(computed).toBe(1);
  });

  it('Given a failure, When asked again, Then it is computed again', async () => {
    const kept = cache();
    await expect(kept.get('q', () => Promise.reject(new Error('database gone')))).rejects.toThrow('database gone');
    expect(await kept.get('q', compute('a'))).toBe('a');
  });

  it('Given more questions than it keeps, Then the oldest is dropped', async () => {
    const kept = cache();
    await kept.get('q1', compute('1'));
    await kept.get('q2', compute('2'));
    await kept.get('q3', compute('3'));
    expect(await kept.get('q1', compute('1 again'))).toBe('1 again');
    expect(await kept.get('q3', compute('3 again'))).toBe('3');
  });
});
