/**
 * `--input name=value`: the value is read as JSON when it is JSON (`x=2` is
 * the number 2, `on=true` a boolean, `list=[1,2]` an array) and as text
 * otherwise (`s=hello` is "hello"; quote it, `s='"2"'`, for the text "2").
 */
import { CliError } from './errors.js';

/** Names that would reach an object's prototype instead of being an input. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** One `name=value` pair. */
export function parseInput(text: string): [string, unknown] {
  const eq = text.indexOf('=');
  const name = eq < 0 ? '' : text.slice(0, eq).trim();
  if (eq < 0 || name === '') {
    throw new CliError(`--input '${text}': expected name=value (for example --input count=3)`);
  }
  if (FORBIDDEN.has(name)) throw new CliError(`--input '${text}': '${name}' cannot be used as an input name`);
  const raw = text.slice(eq + 1);
  try {
    return [name, JSON.parse(raw) as unknown];
  } catch {
    return [name, raw];
  }
}

/** Every `--input`, later ones winning; a record safe from prototype keys. */
export function parseInputs(texts: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const t of texts) {
    const [name, value] = parseInput(t);
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
