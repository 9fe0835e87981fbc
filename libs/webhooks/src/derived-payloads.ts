// The derived changes a webhook receives: for each purchase or refund, the
// customer's tier and lifecycle just before it and just after it, on its
// date. A change is sent once, by the event that made it (the purchase that
// crossed the threshold, not the day's last one), with the standing it left
// as `from`: each event is looked at once, in its batch, so a day of fifty
// purchases sends one message a real change.
import { businessTime, type RecordedEvent } from '@crm/event-store';
import { customerHistoryOf } from '@crm/customers';
import { lifecycleAsOf, migrationDirection } from '@crm/lifecycle';
import { formatAmount, shopDate } from '@crm/shared';
import { ruleSetOn, tierOn, type RuleSchedule } from '@crm/tiers';
import type { WebhookPayload } from './webhook-events';

const CAUSES = new Set(['PurchaseRecorded', 'RefundRecorded']);
const WINDOW_MONTHS = 3;

export const isCause = (e: RecordedEvent) => CAUSES.has(e.type) && e.streamId.startsWith('customer-');

/** `stream`: the customer's events up to (at least) the last cause; `causes`: this batch's purchases and refunds of that customer. */
export function derivedPayloads(
  stream: readonly RecordedEvent[],
  causes: readonly RecordedEvent[],
  schedule: RuleSchedule,
  zone: string,
  currency: string,
): Map<string, WebhookPayload[]> {
  const byEvent = new Map<string, WebhookPayload[]>();
  for (const cause of causes) {
    const before = customerHistoryOf(
      stream.filter((e) => e.position < cause.position),
      zone,
    );
    const after = customerHistoryOf(
      stream.filter((e) => e.position <= cause.position),
      zone,
    );
    if (!after) continue;
    const customerId = (after.events[0].data as { customerId?: string }).customerId;
    const date = shopDate(new Date(businessTime(cause)), zone);
    const timestamp = new Date(businessTime(cause)).toISOString();
    // The rule sets activated by then.
    const activated = schedule.filter((s, i) => i === 0 || !s.activation || s.activation.position <= cause.position);
    const payloads: WebhookPayload[] = [];
    const was = before ? tierOn(before.facts, activated, date, currency) : undefined;
    const now = tierOn(after.facts, activated, date, currency);
    if ((was?.tier ?? null) !== now.tier && now.tier !== null) {
      const codes = ruleSetOn(activated, date).ruleSet.tiers.map((t) => t.code);
      const rank = (code: string | null | undefined) => (code ? codes.indexOf(code) : -1);
      const direction = rank(now.tier) > rank(was?.tier) ? 'up' : rank(now.tier) < rank(was?.tier) ? 'down' : 'same-rank';
      const data = {
        customerId,
        date,
        from: was?.tier ?? null,
        to: now.tier,
        direction,
        ruleSetId: now.ruleSetId,
        reason: now.reason,
        basis: formatAmount(now.basisMinor, currency),
      };
      payloads.push({ type: 'TierChanged', timestamp, data: { ...data, causedBy: cause.id } });
    }
    const dates = (h: typeof after | undefined) => (h ? h.facts.purchases.map((p) => p.date) : []);
    const from = lifecycleAsOf(dates(before), date, WINDOW_MONTHS);
    const to = lifecycleAsOf(dates(after), date, WINDOW_MONTHS);
    if (from !== to) {
      const data = { customerId, date, from, to, direction: migrationDirection(from, to), cause: 'purchase', windowMonths: WINDOW_MONTHS };
      payloads.push({ type: 'LifecycleChanged', timestamp, data: { ...data, causedBy: cause.id } });
    }
    if (payloads.length > 0) byEvent.set(cause.id, payloads);
  }
  return byEvent;
}
