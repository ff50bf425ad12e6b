/**
 * A host in memory for component tests: a {@link HostTransport} whose
 * requests are answered by a handler the test sets (what it throws becomes a
 * contract error), with every call recorded.
 */
import type { ContractError, RequestEnvelope, Response } from '../../app/contract/messages';
import type { HostTransport } from '../../renderer/host';

export type Handler = (method: string, params: Record<string, unknown>) => unknown;

export interface MemoryHost {
  readonly transport: HostTransport;
  /** Answers each request; what it throws is sent back as an error with the host's code. */
  handler: Handler;
  /** Every request, in order. */
  readonly calls: { method: string; params: Record<string, unknown> }[];
  /** The params of each call of `method`. */
  paramsOf: (method: string) => Record<string, unknown>[];
}

/** A host that answers with `code` for whatever its handler throws. */
export function memoryHost(code: ContractError['code'] = 'unavailable'): MemoryHost {
  const host: MemoryHost = {
    handler: () => ({}),
    calls: [],
    paramsOf: (method) => host.calls.filter((c) => c.method === method).map((c) => c.params),
    transport: {
      kind: 'web',
      open: () => Promise.resolve({ kind: 'web', label: 'test' }),
      request: async (message: RequestEnvelope): Promise<Response> => {
        const params = (message.params ?? {}) as Record<string, unknown>;
        host.calls.push({ method: message.method, params });
        try {
          return { id: message.id, ok: true, result: await host.handler(message.method, params) };
        } catch (e) {
          return { id: message.id, ok: false, error: { code, message: (e as Error).message } };
        }
      },
      onEvents: () => () => undefined,
      onClose: () => () => undefined,
      close: () => undefined,
    },
  };
  return host;
}
