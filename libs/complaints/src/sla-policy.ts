// Respond-by targets per priority (docs/domain.md defaults, SLA_HOURS overrides).
// The hours in force are written into the complaint's events, so a later
// policy change never moves a deadline already promised. Higher tiers may
// get shorter targets: a factor per tier, fixed when the complaint is opened.
import { Priority } from './complaint';

export type SlaPolicy = Record<Priority, number>;

/** Hours to respond, shortened by the customer's tier factor (VIP and SUPREME halve them by default). */
export const slaHoursFor = (priority: Priority, policy: SlaPolicy, factor = 1): number => Math.round(policy[priority] * factor * 100) / 100;

export function respondBy(from: Date, priority: Priority, policy: SlaPolicy, factor = 1): Date {
  return new Date(from.getTime() + Math.round(slaHoursFor(priority, policy, factor) * 3_600_000));
}
