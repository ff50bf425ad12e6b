/** Every built-in kind, in palette order. */
import { delay } from './delay.js';
import { fail } from './fail.js';
import { http } from './http.js';
import { noop } from './noop.js';
import { script } from './script.js';
import { shell } from './shell.js';
import { value } from './value.js';

export { delay, fail, http, noop, script, shell, value };

/** The kinds as a tuple, so the document schema can be a union over their literal `kind`s. */
export const KINDS = [noop, value, delay, fail, script, shell, http] as const;
