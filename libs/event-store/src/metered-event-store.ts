// The store as the processes use it: every append timed and every conflict
// counted (metrics.ts), whatever adapter is behind the port.
import { metrics } from '@crm/shared/metrics';
import { EventStore, WrongExpectedVersionError } from './event-store';

async function timed<T>(operation: 'append' | 'appendMany', run: () => Promise<T>): Promise<T> {
  const end = metrics.appendDuration.startTimer({ operation });
  try {
    return await run();
  } catch (error) {
    if (error instanceof WrongExpectedVersionError) metrics.appendConflicts.inc({ operation });
    throw error;
  } finally {
    end();
  }
}

export function metered(store: EventStore): EventStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'append') return (...args: Parameters<EventStore['append']>) => timed('append', () => target.append(...args));
      if (property === 'appendMany') return (...args: Parameters<EventStore['appendMany']>) => timed('appendMany', () => target.appendMany(...args));
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
