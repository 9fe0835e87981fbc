// Tiers in business order wherever the console lists them.

/** Tiers as the rule sets list them (lowest threshold first), anything else after, by name. */
export function inTierOrder(codes: readonly string[], order: readonly string[]): string[] {
  const rank = (code: string) => (order.includes(code) ? order.indexOf(code) : order.length);
  return [...codes].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
