/**
 * `npm start` until the desktop app exists: runs the example flow that uses
 * every pattern through the `atomflow` CLI, so a new user sees what a run
 * looks like — tasks lighting up, a failure, reverts, a retry, the values.
 */
import { join } from 'node:path';
import { main } from './main.js';

const example = join(import.meta.dirname, '..', '..', 'examples', 'every-pattern.flow.json');
process.exitCode = await main(['run', example, ...process.argv.slice(2)]);
