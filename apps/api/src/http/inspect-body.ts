// Checks a parsed JSON body before any route sees it, without recursion (a
// body nested thousands deep must not overflow the stack): nesting depth,
// text that cannot be stored, and keys that reach an object's prototype.
import { PROTOTYPE_KEYS, textProblem } from '@crm/shared';

export const MAX_BODY_DEPTH = 32;

export interface BodyProblem {
  code: 'BodyTooDeep' | 'InvalidText' | 'ForbiddenKey';
  detail: string;
}

export function inspectBody(body: unknown): BodyProblem | undefined {
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value: body, depth: 0, path: '' }];
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop() as { value: unknown; depth: number; path: string };
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) return { code: 'InvalidText', detail: `${path || 'the body'} ${problem}` };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) return { code: 'BodyTooDeep', detail: `the body is nested deeper than ${MAX_BODY_DEPTH} levels` };
    const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
    for (const [key, child] of entries) {
      const at = path ? `${path}.${key}` : key;
      if (!Array.isArray(value)) {
        if (PROTOTYPE_KEYS.has(key)) return { code: 'ForbiddenKey', detail: `the key "${key}" is not allowed (at ${path || 'the top level'})` };
        const problem = textProblem(key);
        if (problem) return { code: 'InvalidText', detail: `a key at ${path || 'the top level'} ${problem}` };
      }
      stack.push({ value: child, depth: depth + 1, path: at });
    }
  }
  return undefined;
}
