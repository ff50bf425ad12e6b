import { measureOnce } from './workloads.js';
const gc = (globalThis as { gc?: () => void }).gc!;
for (const n of [1000, 10000]) {
  for (let i = 0; i < 5; i++) await measureOnce({ kind: 'w1-noop', n });
  gc();
  const before = process.memoryUsage().heapUsed;
  await measureOnce({ kind: 'w1-noop', n });
  const after = process.memoryUsage().heapUsed;
  console.log(n, 'KB allocated per atom (no GC during run):', ((after - before) / n / 1024).toFixed(1));
}
