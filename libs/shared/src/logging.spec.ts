// The JSON logger: one object a line, the level and context named, and the
// correlation id of the request being handled on every line written for it.
import { JsonLogger, withCorrelationId } from './logging';

function captured(run: () => void): Array<Record<string, unknown>> {
  const lines: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: unknown) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
  try {
    run();
  } finally {
    process.stdout.write = write;
  }
  return lines
    .join('')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

describe('JsonLogger', () => {
  it('given a line written while a request is handled, it carries that request correlation id', () => {
    const logger = new JsonLogger('log', 'api');
    const [inside, outside] = captured(() => {
      withCorrelationId('corr-1', () => logger.log('tagged', 'CustomersService'));
      logger.warn('after', 'CustomersService');
    });
    expect(inside).toMatchObject({ level: 'info', service: 'api', context: 'CustomersService', correlationId: 'corr-1', msg: 'tagged' });
    expect(typeof inside.time).toBe('string');
    expect(outside).toMatchObject({ level: 'warn', msg: 'after' });
    expect(outside.correlationId).toBeUndefined();
  });

  it('given LOG_LEVEL warn, info lines are left out; an error keeps its stack', () => {
    const logger = new JsonLogger('warn', 'worker');
    const lines = captured(() => {
      logger.log('quiet', 'x');
      logger.error('failed', 'Error: failed\n    at here', 'projections');
    });
    expect(lines).toEqual([expect.objectContaining({ level: 'error', msg: 'failed', context: 'projections', stack: expect.stringContaining('at here'), service: 'worker' })]);
  });

  it("drops Nest's start-up lines per route and module", () => {
    const logger = new JsonLogger('verbose', 'api');
    expect(captured(() => logger.log('Mapped {/x, GET} route', 'RouterExplorer'))).toEqual([]);
  });
});
