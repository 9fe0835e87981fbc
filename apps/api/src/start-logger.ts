// Nest's logger without its route-by-route start-up lines (RoutesResolver
// prints controller paths with the global prefix even for the excluded
// /health routes, which misleads); main.ts prints where things are instead.
import { ConsoleLogger } from '@nestjs/common';

const ROUTE_CONTEXTS = new Set(['RoutesResolver', 'RouterExplorer', 'InstanceLoader']);

export class StartLogger extends ConsoleLogger {
  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    if (typeof context === 'string' && ROUTE_CONTEXTS.has(context)) return;
    super.log(message, ...rest);
  }
}
