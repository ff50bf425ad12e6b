/** `delay`: waits, reporting progress while it waits. */
import { z } from 'zod';
import { MAX_TIMER_MS } from '../fields.js';
import { defineKind } from '../kind.js';

/** Progress is reported about 20 times per wait, but not more often than every 10 ms nor less than every second. */
function tickOf(ms: number): number {
  return Math.min(1000, Math.max(10, Math.round(ms / 20)));
}

export const delay = defineKind({
  kind: 'delay',
  description: 'Waits `ms` milliseconds, reporting progress while it waits.',
  configSchema: z.strictObject({ ms: z.number().int().min(0).max(MAX_TIMER_MS) }),
  execute: (config, _args, ctx) =>
    new Promise<undefined>((resolve) => {
      const started = Date.now();
      ctx.updateProgress(0);
      const ticker = setInterval(() => {
        ctx.updateProgress(Math.min(1, (Date.now() - started) / Math.max(1, config.ms)));
      }, tickOf(config.ms));
      setTimeout(() => {
        clearInterval(ticker);
        ctx.updateProgress(1);
        resolve(undefined);
      }, config.ms);
    }),
});
