// Whole-base figures kept per question and the read models' positions they
// were computed at: the same question is answered again without a query
// while no projector batch has committed since (the positions are
// unchanged), and computed once for askers who come together. A figure that
// takes seconds at a million customers is then paid once per change of the
// data, not once per page view.
import type { SqlExecutor } from '@crm/database';

/** Answers kept (a few dates and windows being looked at). */
const KEPT = 16;

export class PositionedCache<T> {
  private readonly kept = new Map<string, { at: string; answer: Promise<T> }>();

  /** `positions` names where the read models the answers come from stand (changes whenever a batch of them commits). */
  constructor(
    private readonly positions: () => Promise<string>,
    private readonly size = KEPT,
  ) {}

  async get(question: string, compute: () => Promise<T>): Promise<T> {
    const at = await this.positions();
    const kept = this.kept.get(question);
    if (kept && kept.at === at) return kept.answer;
    const answer: Promise<T> = compute().then(async (value) => {
      // Read by several statements: kept only if no batch committed while they ran (they all saw the data at `at`).
      if ((await this.positions()) !== at) this.forget(question, answer);
      return value;
    });
    answer.catch(() => this.forget(question, answer));
    this.kept.delete(question);
    this.kept.set(question, { at, answer });
    if (this.kept.size > this.size) this.kept.delete(this.kept.keys().next().value as string);
    return answer;
  }

  private forget(question: string, answer: Promise<T>): void {
    if (this.kept.get(question)?.answer === answer) this.kept.delete(question);
  }
}

/** The checkpoints of the named projectors and of their partitions, as one string. */
export async function projectorPositions(sql: SqlExecutor, names: readonly string[]): Promise<string> {
  const [row] = await sql.query<{ at: string | null }>(
    `SELECT string_agg(name || '@' || position::text, ',' ORDER BY name) AS at FROM crm_projection_checkpoints
      WHERE name = ANY ($1::text[]) OR split_part(name, '#', 1) = ANY ($1::text[])`,
    [names],
  );
  return row?.at ?? '';
}
