/**
 * `npm start` until the desktop app exists: runs an example flow on the
 * serial engine and prints every transition, so a new user sees what the
 * engine does — a failure, a revert, a retry, and the values produced.
 */
import { graph, linear, PrintingListener, load, task, Times, unordered } from '../../engine/index.js';

let attempts = 0;

const flow = linear('order', new Times(3, { name: 'retry-order', provides: 'attempt' })).add(
  task({
    name: 'reserve-stock',
    requires: ['item', 'quantity'],
    provides: 'reservation',
    execute: ({ item, quantity }) => `${String(quantity)} x ${String(item)}`,
    revert: ({ item }) => {
      console.log(`    (revert: stock of ${String(item)} released)`);
    },
  }),
  unordered('notify').add(
    task({
      name: 'email',
      requires: ['reservation'],
      execute: ({ reservation }) => `mail: ${String(reservation)}`,
    }),
    task({ name: 'sms', requires: ['reservation'], execute: () => 'sms sent' }),
  ),
  graph('payment').add(
    task({
      name: 'charge-card',
      requires: ['reservation', 'attempt'],
      provides: 'receipt',
      execute: ({ reservation, attempt }) => {
        attempts += 1;
        if (attempts === 1) throw new Error(`card declined on attempt ${String(attempt)}`);
        return `receipt for ${String(reservation)}`;
      },
    }),
    task({ name: 'archive', requires: ['receipt'], provides: 'archived', execute: () => true }),
  ),
);

const engine = load(flow, { store: { item: 'book', quantity: 2 } });
const printer = new PrintingListener(engine.notifier, (line) => {
  console.log(`  ${line}`);
});
console.log(`Running flow '${flow.name}' on the serial engine:\n`);
await engine.run();
printer.close();
console.log('\nValues produced:');
for (const [k, v] of Object.entries(engine.storage.fetchAll())) console.log(`  ${k} = ${JSON.stringify(v)}`);
