// ?waitFor=<position> on reads: wait (bounded) until the projections have
// processed that write; if they have not by then, answer anyway and say so.
import type { Response } from 'express';
import { ProjectionRunner } from './projection-runner';

export const WAIT_FOR_DEFAULT_MS = 5_000;

export async function waitForPosition(runner: ProjectionRunner, waitFor: string | undefined, res: Response): Promise<void> {
  if (waitFor === undefined) return;
  const reached = await runner.waitFor(Number(waitFor), WAIT_FOR_DEFAULT_MS);
  if (!reached) res.setHeader('X-Data-Stale', `projections have not reached position ${waitFor} within ${WAIT_FOR_DEFAULT_MS} ms`);
}
