// Checks an append request before it reaches any adapter, so every adapter
// refuses the same malformed input with the same error.
import { AppendRequest, InvalidAppendError } from './event-store';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function validateAppend(requests: readonly AppendRequest[]): void {
  if (requests.length === 0) throw new InvalidAppendError('nothing to append');
  const streams = new Set<string>();
  const ids = new Set<string>();
  for (const r of requests) {
    if (typeof r.streamId !== 'string' || r.streamId.length === 0 || r.streamId.length > 200) {
      throw new InvalidAppendError('stream id must be 1-200 characters');
    }
    if (streams.has(r.streamId)) throw new InvalidAppendError(`stream ${r.streamId} appears twice in one append`);
    streams.add(r.streamId);
    const ev = r.expectedVersion;
    if (ev !== 'any' && ev !== 'noStream' && !(Number.isSafeInteger(ev) && ev >= 0)) {
      throw new InvalidAppendError(`expected version must be "any", "noStream" or a version >= 0, got ${String(ev)}`);
    }
    if (r.events.length === 0) throw new InvalidAppendError(`no events to append to ${r.streamId}`);
    for (const e of r.events) {
      if (!UUID.test(e.id)) throw new InvalidAppendError(`event id must be a UUID, got "${e.id}"`);
      if (ids.has(e.id.toLowerCase())) throw new InvalidAppendError(`event id ${e.id} appears twice in one append`);
      ids.add(e.id.toLowerCase());
      if (typeof e.type !== 'string' || e.type.length === 0 || e.type.length > 200) {
        throw new InvalidAppendError('event type must be 1-200 characters');
      }
    }
  }
}
