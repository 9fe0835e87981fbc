// What text the product refuses, in one place: control characters (U+0000
// included), lone UTF-16 surrogates (no store can keep them) and, for keys of
// a JSON body, the names that reach an object's prototype. Everything else a
// real shop writes - punctuation, any script, emoji - is accepted.

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Names that must never be keys of an object built from input: the
 * prototype's own (__proto__, constructor, toString, hasOwnProperty, ...).
 * Lookups keyed by them walk the prototype chain, and class-validator's
 * unknown-field check takes them for known fields.
 */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** Why a piece of free text cannot be stored, or undefined when it can. */
export function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain U+0000';
  if (hasLoneSurrogate(text)) return 'must be well-formed Unicode (it contains a lone surrogate)';
  if (CONTROL.test(text)) return 'must not contain control characters';
  return undefined;
}

const KEY = /^[\p{L}\p{N}][\p{L}\p{N}\-_.:/#@ ]{0,127}$/u;
/** A key-like value (order ids, refs, tags): 1-128 letters, digits and - _ . : / # @ or spaces inside. */
export const isKey = (value: unknown): value is string => typeof value === 'string' && KEY.test(value) && !/\s$/.test(value);
