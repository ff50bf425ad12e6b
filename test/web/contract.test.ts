/**
 * The host contract over the web host's WebSocket, with the real
 * ContractHost, run service and document store: requests are answered, run
 * events stream to the end, and malformed, binary, oversized and unread
 * traffic is refused without taking the host down.
 */
import { createConnection, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES } from '../../app/contract/index.js';
import { MAX_MESSAGE_BYTES } from '../../main/web/index.js';
import { addDocument } from '../app/runs-support.js';
import { Client, eventually, startHarness, type Harness } from './support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The host still serves: a new connection is answered. */
async function stillServes(harness: Harness): Promise<void> {
  const c = await Client.open(harness);
  const kinds = (await c.call('catalog.kinds', {})) as { kinds: { kind: string }[] };
  expect(kinds.kinds.map((k) => k.kind)).toContain('script');
  c.close();
}

describe('requests over the WebSocket', () => {
  it('answers catalog.kinds', async () => {
    h = await startHarness();
    const c = await Client.open(h);
    const r = await c.request('catalog.kinds', {});
    expect(r).toMatchObject({ id: 1, ok: true });
    const kinds = (r as { result: { kinds: { kind: string; description: string }[] } }).result.kinds;
    expect(kinds.map((k) => k.kind)).toEqual(expect.arrayContaining(['script', 'shell', 'value', 'delay']));
    c.close();
  });

  it('saves, lists and gets documents in the store', async () => {
    h = await startHarness();
    const c = await Client.open(h);
    expect(await c.call('documents.save', { document: addDocument })).toMatchObject({ name: 'add' });
    const list = (await c.call('documents.list', {})) as { documents: { name: string }[] };
    expect(list.documents.map((d) => d.name)).toEqual(['add']);
    expect(await c.call('documents.get', { name: 'add' })).toMatchObject({
      name: 'add',
      document: addDocument,
    });
    // Written to the real store, which a new service on the same file reads.
    expect(h.documents.list().map((d) => d.name)).toEqual(['add']);
    const missing = await c.request('documents.get', { name: 'nope' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not-found' } });
    c.close();
  });

  it('starts a run and streams its events, ending with end; another client subscribes and replays them', async () => {
    h = await startHarness();
    const c = await Client.open(h);
    const { runId } = (await c.call('runs.start', { document: addDocument })) as { runId: string };
    await c.until(() => c.runEvents(runId).some((e) => e.type === 'end'));
    const events = c.runEvents(runId);
    expect(events.at(-1)).toMatchObject({ type: 'end', runId, state: 'SUCCESS' });
    expect(
      events.filter((e) => e.type === 'atom').map((e) => `${String(e.name)}:${String(e.state)}`),
    ).toEqual(expect.arrayContaining(['add:SUCCESS', 'pause:SUCCESS', 'double:SUCCESS']));

    const other = await Client.open(h);
    expect(await other.call('runs.subscribe', { runId })).toEqual({});
    await other.until(() => other.runEvents(runId).some((e) => e.type === 'end'));
    expect(other.runEvents(runId).at(-1)).toMatchObject({ type: 'end', state: 'SUCCESS' });
    expect(await other.call('runs.detail', { runId })).toMatchObject({ state: 'SUCCESS' });
    c.close();
    other.close();
  });

  it('answers malformed requests with errors and keeps the connection', async () => {
    h = await startHarness();
    const c = await Client.open(h);
    c.send('{ not json');
    c.send('[]');
    c.send(JSON.stringify({ id: 7 }));
    await c.until(() => c.anonymous.length >= 2);
    expect(c.anonymous[0]).toMatchObject({ id: null, ok: false, error: { code: 'bad-request' } });
    expect(c.anonymous[0]!.ok ? '' : c.anonymous[0]!.error.message).toContain('not valid JSON');
    expect(await c.request('no.such.method', {})).toMatchObject({
      ok: false,
      error: { code: 'unknown-method' },
    });
    expect(await c.request('documents.get', { name: 42 })).toMatchObject({
      ok: false,
      error: { code: 'bad-request', problems: [{ path: 'params.name' }] },
    });
    expect(await c.request('documents.save', { document: { format: 'nope' } })).toMatchObject({
      ok: false,
      error: { code: 'invalid-document' },
    });
    expect(await c.call('documents.list', {})).toEqual({ documents: [] });
    c.close();
  });

  it('refuses binary frames with an error and keeps the connection', async () => {
    h = await startHarness();
    const c = await Client.open(h);
    c.send(Buffer.from(JSON.stringify({ id: 1, method: 'catalog.kinds', params: {} })));
    await c.until(() => c.anonymous.length === 1);
    expect(c.anonymous[0]).toMatchObject({ id: null, ok: false, error: { code: 'bad-request' } });
    expect(c.anonymous[0]!.ok ? '' : c.anonymous[0]!.error.message).toContain('Binary frames');
    expect((await c.request('documents.list', {})).ok).toBe(true);
    c.close();
  });

  it('answers a request over MAX_REQUEST_BYTES with too-large and keeps the connection', async () => {
    h = await startHarness();
    const c = await Client.open(h);
    const big = JSON.stringify({
      id: 1,
      method: 'documents.validate',
      params: { document: 'x'.repeat(MAX_REQUEST_BYTES) },
    });
    expect(big.length).toBeLessThan(MAX_MESSAGE_BYTES);
    c.send(big);
    await c.until(() => c.anonymous.length === 1);
    expect(c.anonymous[0]).toMatchObject({ id: null, ok: false, error: { code: 'too-large' } });
    expect((await c.request('documents.list', {})).ok).toBe(true);
    c.close();
  });

  it('closes a connection that sends a message over the frame limit (1009); the host stays up', async () => {
    h = await startHarness();
    const c = await Client.open(h);
    c.send('x'.repeat(MAX_MESSAGE_BYTES + 1));
    const closed = await c.closed;
    expect(closed.code).toBe(1009);
    await eventually(() => h!.logs.some((l) => l.includes('Max payload size exceeded')));
    await stillServes(h);
    expect(h.documents.list()).toEqual([]);
  });

  it('closes a client that stops reading once too much is unsent, and says why; the host stays up', async () => {
    h = await startHarness({ maxBufferedBytes: 256 * 1024 });
    // How big one answer is, to send enough requests to fill the kernel's buffers and then some.
    const probe = await Client.open(h);
    const size = JSON.stringify(await probe.request('catalog.kinds', {})).length;
    probe.close();
    const requests = Math.ceil((48 * 1024 * 1024) / size);

    const socket = await rawWebSocket(h);
    socket.pause(); // reads nothing from now on
    const frame = maskedTextFrame(JSON.stringify({ id: 1, method: 'catalog.kinds', params: {} }));
    const closed = new Promise<void>((resolve) =>
      socket.once('close', () => {
        resolve();
      }),
    );
    for (let i = 0; i < requests && !h.logs.some((l) => l.includes('stopped reading')); i++) {
      if (!socket.write(frame)) await new Promise((r) => socket.once('drain', r));
      if (i % 200 === 0) await new Promise((r) => setImmediate(r));
    }
    await eventually(() => h!.logs.some((l) => l.includes('closing a client that stopped reading')), 15_000);
    socket.resume();
    await closed;
    await stillServes(h);
  }, 60_000);

  it('closes every connection with 1001 when the web host stops', async () => {
    h = await startHarness();
    const c = await Client.open(h);
    await c.call('documents.list', {});
    await h.web.close();
    expect((await c.closed).code).toBe(1001);
  });
});

/** A WebSocket opened by hand on a TCP socket, so the test decides when (and whether) it reads. */
async function rawWebSocket(harness: Harness): Promise<Socket> {
  const socket = createConnection({ host: '127.0.0.1', port: harness.web.port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(
    [
      'GET /ws HTTP/1.1',
      `Host: 127.0.0.1:${String(harness.web.port)}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Version: 13',
      `Sec-WebSocket-Key: ${Buffer.from('0123456789abcdef').toString('base64')}`,
      `Origin: ${harness.web.origin}`,
      `Cookie: ${harness.cookie}`,
      '',
      '',
    ].join('\r\n'),
  );
  let head = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (head.startsWith('HTTP/1.1 101')) resolve();
      else reject(new Error(`upgrade refused: ${head}`));
    };
    socket.on('data', onData);
  });
  return socket;
}

/** One client-to-server text frame (clients must mask). */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  if (payload.length >= 126) throw new Error('short frames only');
  const mask = Buffer.from([1, 2, 3, 4]);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}
