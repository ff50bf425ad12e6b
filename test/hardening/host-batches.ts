/**
 * Sends a batch of probes down one transport, all in flight at once, and
 * says what is wrong with the answers. Over a WebSocket the answers come on
 * one stream: those of synchronously handled requests in the order sent
 * (which is how a reused or unreadable id is told apart), the asynchronous
 * ones by their unique ids. Over IPC each `invoke` gets its own promise.
 */
import type { Response } from '../../app/contract/index.js';
import {
  TRUSTED_FRAME,
  UNTRUSTED_FRAMES,
  until,
  type IpcDesk,
  type IpcWindow,
  type WsConn,
} from './host-harness.js';
import { answerProblem, sentBytes, type Expected, type Form, type Probe } from './host-probes.js';

/** A probe and how it is sent. */
export interface Sending {
  readonly probe: Probe;
  readonly form: Form;
}

/** What a binary WebSocket frame gets, whatever it holds. */
const BINARY_REFUSED: Expected = { id: null, code: 'bad-request' };

/** The problems of a WebSocket batch's answers (empty when every answer is right). */
export async function sendWsBatch(conn: WsConn, batch: readonly Sending[]): Promise<string[]> {
  const from = conn.responses.length;
  for (const { probe, form } of batch) {
    if (form === 'bytes') conn.send(Buffer.from(probe.text, 'utf8'), true);
    else conn.send(probe.text);
  }
  await until(() => conn.responses.length - from >= batch.length, `${String(batch.length)} answers`, 30_000);
  // Answered after every synchronous answer to what was sent before it: nothing more is on its way.
  const fence = await conn.call('catalog.kinds');
  if (!fence.ok) return [`catalog.kinds after the batch failed: ${fence.error.message}`];
  const got = conn.responses.slice(from);

  const problems: string[] = [];
  const byId = new Map<number, Sending>();
  const inOrder: Sending[] = [];
  for (const s of batch) {
    if (s.probe.async === true && s.form !== 'bytes') byId.set(s.probe.expected.id!, s);
    else inOrder.push(s);
  }
  let next = 0;
  const check = (s: Sending, r: Response): void => {
    const expected = s.form === 'bytes' ? BINARY_REFUSED : s.probe.expected;
    const problem = answerProblem(expected, r, sentBytes(s.probe, s.form));
    if (problem !== undefined) problems.push(`${s.probe.what} (${s.form}): ${problem}`);
  };
  for (const r of got) {
    const asynchronous = r.id !== null ? byId.get(r.id) : undefined;
    if (asynchronous) {
      byId.delete(r.id!);
      check(asynchronous, r);
      continue;
    }
    const s = inOrder[next++];
    if (s) check(s, r);
    else problems.push(`an answer nothing asked for: ${JSON.stringify(r).slice(0, 200)}`);
  }
  for (const s of [...inOrder.slice(next), ...byId.values()])
    problems.push(`${s.probe.what} (${s.form}): no answer`);
  return problems;
}

/** Who sends an IPC request: the window's own page, or a sender the handler must refuse. */
export type Sender =
  | { readonly kind: 'trusted' }
  | { readonly kind: 'frame'; readonly frame: number }
  | { readonly kind: 'unknown-window' };

/** A probe as IPC carries it in `form`. */
function ipcRaw(probe: Probe, form: Form): unknown {
  if (form === 'value') return probe.value;
  if (form === 'bytes') return new Uint8Array(Buffer.from(probe.text, 'utf8'));
  return probe.text;
}

/**
 * Sends a batch through the IPC handler: trusted requests from `win`,
 * refused ones from an iframe or another origin claiming `ghost`'s id (or
 * from a window no bridge has). Returns the problems of the answers.
 */
export async function sendIpcBatch(
  desk: IpcDesk,
  win: IpcWindow,
  ghost: IpcWindow,
  batch: readonly (Sending & { readonly sender: Sender })[],
): Promise<string[]> {
  const settled = await Promise.allSettled(
    batch.map(({ probe, form, sender }) => {
      const raw = ipcRaw(probe, form);
      if (sender.kind === 'trusted') return win.invoke(raw);
      if (sender.kind === 'frame') {
        return win.invoke(raw, UNTRUSTED_FRAMES[sender.frame % UNTRUSTED_FRAMES.length] ?? null, ghost.id);
      }
      return win.invoke(raw, TRUSTED_FRAME, desk.unknownWindow());
    }),
  );
  const problems: string[] = [];
  settled.forEach((result, i) => {
    const { probe, form, sender } = batch[i]!;
    const what = `${probe.what} (${form}, ${sender.kind})`;
    if (sender.kind !== 'trusted') {
      // Refused before any bridge saw it: the page's invoke rejects.
      if (result.status === 'fulfilled')
        problems.push(`${what}: answered ${JSON.stringify(result.value).slice(0, 200)}`);
      else if (!/may not use the host/.test(String(result.reason)))
        problems.push(`${what}: rejected with ${String(result.reason)}`);
      return;
    }
    if (result.status === 'rejected') {
      problems.push(`${what}: rejected with ${String(result.reason)}`);
      return;
    }
    const expected = form === 'value' ? (probe.valueExpected ?? probe.expected) : probe.expected;
    const problem = answerProblem(expected, result.value, sentBytes(probe, form));
    if (problem !== undefined) problems.push(`${what}: ${problem}`);
  });
  return problems;
}
