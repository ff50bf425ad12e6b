/**
 * The IPC request handler (main/electron/ipc.ts): the sender is checked
 * before anything reaches a window's session.
 */
import { describe, expect, it } from 'vitest';
import type { Response } from '../../app/contract/index.js';
import { requestHandler, type RequestTarget } from '../../main/electron/ipc.js';

function setup(): {
  handle: ReturnType<typeof requestHandler>;
  seen: unknown[];
  logged: string[];
} {
  const seen: unknown[] = [];
  const logged: string[] = [];
  const bridge: RequestTarget = {
    request(raw) {
      seen.push(raw);
      return Promise.resolve<Response>({ id: 1, ok: true, result: 'ok' });
    },
  };
  const handle = requestHandler(
    (id) => (id === 1 ? bridge : undefined),
    (m) => logged.push(m),
  );
  return { handle, seen, logged };
}

const request = { id: 1, method: 'documents.list', params: {} };

describe('requestHandler', () => {
  it('hands a request from the main frame of our page in our window to its bridge', async () => {
    const { handle, seen } = setup();
    const r = await handle(
      { sender: { id: 1 }, senderFrame: { url: 'app://atomflow/index.html', parent: null } },
      request,
    );
    expect(r).toEqual({ id: 1, ok: true, result: 'ok' });
    expect(seen).toEqual([request]);
  });

  it('refuses, before any bridge sees it, a request from an iframe, another origin, a gone frame or another window', async () => {
    const { handle, seen, logged } = setup();
    const refused = [
      { sender: { id: 1 }, senderFrame: { url: 'app://atomflow/index.html', parent: {} } },
      { sender: { id: 1 }, senderFrame: { url: 'https://evil.example/', parent: null } },
      { sender: { id: 1 }, senderFrame: { url: 'file:///tmp/x.html', parent: null } },
      { sender: { id: 1 }, senderFrame: null },
      { sender: { id: 2 }, senderFrame: { url: 'app://atomflow/index.html', parent: null } },
    ];
    for (const event of refused) {
      await expect(handle(event, request)).rejects.toThrow(/may not use the host/);
    }
    expect(seen).toEqual([]);
    expect(logged).toHaveLength(refused.length);
  });
});
