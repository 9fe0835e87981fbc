// Respond-by targets per priority (DOMAIN.md defaults, SLA_HOURS overrides).
// The hours in force are written into the complaint's events, so a later
// policy change never moves a deadline already promised.
import { Priority } from './complaint';

export type SlaPolicy = Record<Priority, number>;

export function respondBy(from: Date, priority: Priority, policy: SlaPolicy): Date {
  return new Date(from.getTime() + Math.round(policy[priority] * 3_600_000));
}
