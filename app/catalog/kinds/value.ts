/** `value`: provides the value written in its config. */
import { z } from 'zod';
import { jsonValue } from '../fields.js';
import { defineKind } from '../kind.js';

export const value = defineKind({
  kind: 'value',
  description: 'Provides its configured value.',
  configSchema: z.strictObject({
    /** Any JSON value; a copy is provided, so later tasks cannot change the config. */
    value: jsonValue,
  }),
  execute: (config) => structuredClone(config.value),
});
