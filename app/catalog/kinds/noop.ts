/** `noop`: does nothing; a placeholder, or a point where branches meet. */
import { z } from 'zod';
import { defineKind } from '../kind.js';

export const noop = defineKind({
  kind: 'noop',
  description: 'Does nothing and provides nothing: a placeholder or a join point.',
  configSchema: z.strictObject({}),
  execute: () => undefined,
});
