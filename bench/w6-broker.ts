/**
 * W6 needs a RabbitMQ broker. Checked before anything is measured, so that a
 * machine without one still gets every other row, with a line saying why W6
 * is missing and how to start the broker.
 */
import { connect } from 'node:net';
import { redactUrl } from '../engine/index.js';
import type { Comparison } from './plan.js';
import { W6_URL } from './w6-workloads.js';

/** Null when something listens at the broker's host and port, else why not. */
function unreachable(url: string, withinMs = 2000): Promise<string | null> {
  const u = new URL(url);
  const port = Number(u.port || 5672);
  return new Promise((resolve) => {
    const socket = connect({ host: u.hostname, port });
    const done = (why: string | null): void => {
      socket.destroy();
      resolve(why);
    };
    socket.setTimeout(withinMs, () => {
      done(`no answer within ${withinMs} ms`);
    });
    socket.once('connect', () => {
      done(null);
    });
    socket.once('error', (e) => {
      done(e.message);
    });
  });
}

/**
 * The plan without its W6 rows when the broker cannot be reached (and the
 * message saying so), or the plan as it is.
 */
export async function checkBroker(
  plan: readonly Comparison[],
  peerDir: string,
): Promise<{ plan: Comparison[]; missing: string | null }> {
  const isW6 = (c: Comparison): boolean => c.workload.startsWith('W6-');
  if (!plan.some(isW6)) return { plan: [...plan], missing: null };
  const why = await unreachable(W6_URL);
  if (why === null) return { plan: [...plan], missing: null };
  return {
    plan: plan.filter((c) => !isW6(c)),
    missing:
      `W6 is left out: it needs RabbitMQ at ${redactUrl(W6_URL)} (${why}). ` +
      `Start it with \`sh ${peerDir}/start_rabbitmq.sh\` (Debian: apt-get install -y rabbitmq-server), then run again.`,
  };
}
