#!/usr/bin/env node
// The `atomflow` command. The CLI is TypeScript; tsx compiles it as it is loaded.
import { register } from 'tsx/esm/api';

register();
// A reader that goes away (`atomflow run … | head`) must not stop the run half-way:
// output that can no longer be written is dropped, and the run is still recorded.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
  });
}
const { main } = await import('../main/cli/main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Exit as soon as nothing is left to do; something that would keep the process
// alive (a pool of worker processes, an open socket) must not hold the status hostage.
setTimeout(() => process.exit(code), 200).unref();
