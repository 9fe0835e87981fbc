// How every write answers: ids, the stream version (also the ETag) and the
// global position to wait for on reads.
import type { Response } from 'express';

export interface WriteAnswer {
  version: number;
  position: number;
  eventIds: string[];
  unchanged: boolean;
}

export function answerWrite<T extends object>(res: Response, result: WriteAnswer, ids: T): T & WriteAnswer {
  res.setHeader('ETag', `"${result.version}"`);
  return { ...ids, version: result.version, position: result.position, eventIds: result.eventIds, unchanged: result.unchanged };
}
