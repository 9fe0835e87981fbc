// ?waitFor=<position> on reads: wait (bounded) until the projections have
// processed that write; if they have not by then, answer anyway and say so.
import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { ProjectionRunner } from './projection-runner';

export const WAIT_FOR_DEFAULT_MS = 5_000;
export const PROJECTION_RUNNER = Symbol('PROJECTION_RUNNER');

/**
 * How this process takes part in projecting. all: it runs every projector
 * (the API inline, one process); leased: a worker, running the projectors it
 * holds leases for; none: it writes and reads only (the API beside workers,
 * the CLI).
 */
export type ProjectionMode = 'all' | 'leased' | 'none';
export const PROJECTION_MODE = Symbol('PROJECTION_MODE');

/**
 * The read models a read answers from: it waits for their projectors only. An
 * empty list is a read of the event streams alone (they hold every
 * acknowledged write); without a list a read waits for every projector.
 */
export type ReadFrom = readonly string[] | undefined;

/** A read of the event streams alone. */
export const FROM_STREAMS: ReadFrom = [];

/** Without a response to mark (GraphQL), it waits the same and answers what is there. */
export async function waitForPosition(runner: ProjectionRunner, waitFor: string | undefined, res?: Response, readFrom?: ReadFrom): Promise<void> {
  if (waitFor === undefined) return;
  const reached = await runner.waitFor(Number(waitFor), WAIT_FOR_DEFAULT_MS, readFrom);
  if (!reached) res?.setHeader('X-Data-Stale', `projections have not reached position ${waitFor} within ${WAIT_FOR_DEFAULT_MS} ms`);
}

/** What a read endpoint injects to honour ?waitFor=. */
@Injectable()
export class WaitForProjections {
  constructor(@Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner) {}

  waitFor(position: string | undefined, res?: Response, readFrom?: ReadFrom): Promise<void> {
    return waitForPosition(this.runner, position, res, readFrom);
  }
}
