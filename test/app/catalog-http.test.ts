/** `http` tasks against a real local HTTP server on 127.0.0.1, through a real engine. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestFailed } from '../../app/catalog/index.js';
import type { TaskNodeDocument } from '../../app/document/index.js';
import { logsOf, runNodes, statesOf } from './catalog-support.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const seen: Seen[] = [];
const sockets = new Set<Socket>();
let server: Server;
let base: string;

function reply(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
}

function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
  seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
  switch (req.url) {
    case '/json': {
      reply(res, 200, 'application/json; charset=utf-8', '{"ok":true,"items":[1,2]}');
      return;
    }
    case '/problem': {
      reply(res, 200, 'application/problem+json', '{"title":"fine"}');
      return;
    }
    case '/text': {
      reply(res, 200, 'text/plain', 'hello');
      return;
    }
    case '/echo': {
      reply(
        res,
        201,
        'application/json',
        JSON.stringify({
          method: req.method,
          token: req.headers['x-token'],
          type: req.headers['content-type'],
          body,
        }),
      );
      return;
    }
    case '/missing': {
      reply(res, 404, 'text/plain', 'no such thing');
      return;
    }
    case '/hang':
      return; // never answers
    default: {
      reply(res, 204, 'text/plain', '');
      return;
    }
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
});

type HttpNode = Extract<TaskNodeDocument, { kind: 'http' }>;
const http = (name: string, config: HttpNode['config'], extra: Partial<HttpNode> = {}): HttpNode => ({
  type: 'task',
  name,
  kind: 'http',
  config,
  ...extra,
});

describe('http', () => {
  it('gives parsed JSON for JSON responses and text otherwise', async () => {
    const r = await runNodes([
      http('j', { url: `${base}/json` }, { provides: 'json' }),
      http('p', { url: `${base}/problem` }, { provides: 'problem' }),
      http('t', { url: `${base}/text` }, { provides: 'text' }),
      http('e', { url: `${base}/empty`, method: 'DELETE' }, { provides: 'empty' }),
    ]);
    expect(r.values).toEqual({
      json: { ok: true, items: [1, 2] },
      problem: { title: 'fine' },
      text: 'hello',
      empty: '',
    });
    expect(logsOf(r.events, 'j')).toEqual([`stdout: GET ${base}/json → 200 OK`]);
  });

  it('sends the method, headers and body: JSON for values, as is for strings', async () => {
    const r = await runNodes([
      http(
        'post',
        { method: 'POST', url: `${base}/echo`, headers: { 'x-token': 'secret' }, body: { n: 1 } },
        { provides: 'a' },
      ),
      http(
        'put',
        { method: 'PUT', url: `${base}/echo`, headers: { 'content-type': 'text/csv' }, body: 'a,b' },
        { provides: 'b' },
      ),
    ]);
    expect(r.values).toEqual({
      a: { method: 'POST', token: 'secret', type: 'application/json', body: '{"n":1}' },
      b: { method: 'PUT', type: 'text/csv', body: 'a,b' },
    });
  });

  it('a status of 400 or more fails, naming the status, the request and the start of the body', async () => {
    const r = await runNodes([http('get', { url: `${base}/missing` })]);
    expect(r.error).toBeInstanceOf(RequestFailed);
    expect((r.error as RequestFailed).status).toBe(404);
    expect(r.error!.message).toBe(`GET ${base}/missing answered 404 Not Found: no such thing`);
  });

  it('a request that takes too long fails', async () => {
    const r = await runNodes([http('slow', { url: `${base}/hang`, timeoutMs: 100 })]);
    expect(r.error!.message).toBe(`GET ${base}/hang timed out after 100 ms`);
  });

  it('a server that is not there fails with the reason', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/`;
    await new Promise((resolve) => closed.close(resolve));
    const r = await runNodes([http('gone', { url })]);
    expect(r.error!.message).toMatch(new RegExp(`^GET ${url} failed: connect ECONNREFUSED`));
  });

  it('the revert request is sent when a later task fails', async () => {
    seen.length = 0;
    const r = await runNodes([
      http('create', {
        method: 'POST',
        url: `${base}/items`,
        body: { name: 'x' },
        revert: { method: 'DELETE', url: `${base}/items/x` },
      }),
      { type: 'task', name: 'boom', kind: 'fail' },
    ]);
    expect(r.error!.message).toBe('Failed on purpose');
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['POST /items', 'DELETE /items/x']);
    expect(statesOf(r.events, 'create')).toEqual(['RUNNING', 'SUCCESS', 'REVERTING', 'REVERTED']);
  });
});
