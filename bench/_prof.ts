import { measureOnce } from './workloads.js';
const kind = (process.argv[2] ?? 'w1-noop') as 'w1-noop';
const n = Number(process.argv[3] ?? 1000);
const useGc = process.argv[4] === 'gc';
const gc = (globalThis as { gc?: () => void }).gc!;
const runs: number[] = [];
for (let i = 0; i < 40; i++) { if (useGc) gc(); runs.push(await measureOnce({ kind, n })); }
console.log(runs.map((r) => r.toFixed(1)).join(' '));
