/**
 * One AMQP connection with one channel and one queue of our own, kept alive
 * across broker restarts and network faults (amqplib's connection recovery):
 * after every reconnect the exchange, the queue and its bindings are declared
 * again and the owner is told, so it can resend what may have been lost.
 */
import { hostname } from 'node:os';
import type { ConnectionOptions } from 'node:tls';
import * as amqp from 'amqplib';
import { AtomflowError } from '../errors.js';
import { encodeMessage, type Outgoing } from './protocol.js';

/** The broker cannot be reached, refused us, or stayed away too long. */
export class BrokerUnavailable extends AtomflowError {}

/** Options of {@link AmqpLink.open}. */
export interface LinkOptions {
  /** `amqp://` or `amqps://` URL, credentials included (`amqp://user:pass@host:5672/vhost`). */
  url: string;
  exchange: string;
  /** The name of our queue (exclusive to this connection, deleted with it). */
  queue: string;
  /** Routing keys bound to our queue on the exchange. */
  bindings: readonly string[];
  /** TLS options for `amqps://` (CA, client certificate…). */
  tls?: ConnectionOptions;
  /** How long to keep trying to reach the broker at first (default 10 s). */
  connectTimeoutMs?: number;
  /** Every message that arrives on our queue, with its routing key (the queue's name when sent straight to it). */
  onMessage(body: Buffer, routingKey: string): void;
  /** A message published with `mandatory` that no queue took (its routing key). */
  onReturn?(routingKey: string, body: Buffer): void;
  /** Connected again after a fault (not called for the first connection). */
  onUp?(): void;
  /** The connection was lost; recovery is under way. */
  onDown?(error: Error): void;
}

/** The URL with its password hidden, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' && !e.message.includes(code) ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}

/** Refusals that retrying cannot fix. */
function permanent(e: unknown): boolean {
  const text = describe(e);
  return /ACCESS_REFUSED|NOT_ALLOWED|ENOTFOUND|EAI_AGAIN|CERT|certificate|self[- ]signed|Expected amqp|Unknown protocol/i.test(
    text,
  );
}

export class AmqpLink {
  private channel: amqp.Channel | undefined;
  private closing = false;
  private lastError: Error | undefined;
  private connectedOnce = false;

  private constructor(
    private readonly options: LinkOptions,
    private readonly model: amqp.RecoveringChannelModel,
  ) {}

  /**
   * Connects (retrying until `connectTimeoutMs`) and declares the topology.
   * @throws {BrokerUnavailable} naming the broker (password hidden) and the cause.
   */
  static async open(options: LinkOptions): Promise<AmqpLink> {
    const where = redactUrl(options.url);
    const holder: { link?: AmqpLink } = {};
    const model = await amqp.connect(options.url, {
      noDelay: true,
      clientProperties: { connection_name: `atomflow ${options.queue} on ${hostname()}` },
      ...(options.tls ?? {}),
      recovery: {
        initialDelay: 50,
        maxDelay: 1000,
        waitForConnect: false,
        setup: async (m: amqp.ChannelModel) => {
          // Recovery connects asynchronously, after `link` exists; the guard only keeps the types honest.
          if (!holder.link) throw new Error('the link is not ready');
          await holder.link.setup(m);
        },
      },
    });
    const opened = new AmqpLink(options, model);
    holder.link = opened;
    model.on('error', (e: Error) => {
      opened.lastError = e;
    });
    model.on('connect-failed', (e: Error) => {
      opened.lastError = e;
    });
    model.on('disconnect', (e: Error) => {
      opened.lastError = e;
      opened.channel = undefined;
      if (!opened.closing) options.onDown?.(e);
    });
    model.on('connect', () => {
      if (opened.connectedOnce) options.onUp?.();
      opened.connectedOnce = true;
    });
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new BrokerUnavailable(
              `Cannot reach the AMQP broker at ${where} within ${timeoutMs} ms: ${describe(opened.lastError ?? 'no answer')}`,
            ),
          );
        }, timeoutMs);
        const failed = (e: Error): void => {
          if (!permanent(e)) return;
          clearTimeout(timer);
          reject(new BrokerUnavailable(`The AMQP broker at ${where} refused the connection: ${describe(e)}`));
        };
        model.on('connect-failed', failed);
        model.waitForConnect().then(
          () => {
            clearTimeout(timer);
            model.removeListener('connect-failed', failed);
            resolve();
          },
          (e: unknown) => {
            clearTimeout(timer);
            reject(new BrokerUnavailable(`Cannot reach the AMQP broker at ${where}: ${describe(e)}`));
          },
        );
      });
    } catch (e) {
      opened.closing = true;
      await model.close().catch(() => undefined);
      throw e;
    }
    return opened;
  }

  /** Declares everything on a fresh connection (first one and after every reconnect). */
  private async setup(m: amqp.ChannelModel): Promise<void> {
    const ch = await m.createChannel();
    ch.on('error', (e: Error) => {
      this.lastError = e;
    });
    ch.on('close', () => {
      if (this.channel !== ch) return;
      this.channel = undefined;
      // A channel closed by the broker (a protocol error) leaves the connection up: drop it so recovery starts.
      if (!this.closing) void m.close().catch(() => undefined);
    });
    ch.on('return', (msg: amqp.Message) => {
      this.options.onReturn?.(msg.fields.routingKey, msg.content);
    });
    const { exchange, queue, bindings } = this.options;
    await ch.assertExchange(exchange, 'direct', { durable: false, autoDelete: false });
    await ch.assertQueue(queue, { exclusive: true, autoDelete: true, durable: false });
    for (const key of bindings) await ch.bindQueue(queue, exchange, key);
    await ch.consume(
      queue,
      (msg) => {
        if (msg) this.options.onMessage(msg.content, msg.fields.routingKey);
      },
      { noAck: true },
    );
    this.channel = ch;
  }

  /** True while connected. */
  get up(): boolean {
    return this.channel !== undefined;
  }

  /** Why the connection was last lost or refused. */
  get error(): Error | undefined {
    return this.lastError;
  }

  /**
   * Publishes a message to `routingKey` on the exchange. Returns false when
   * the connection is down (the message is not sent; the caller decides what
   * to do). Throws only for a message that cannot be encoded.
   */
  publish(routingKey: string, m: Outgoing, opts: { mandatory?: boolean } = {}): boolean {
    const body = encodeMessage(m);
    const ch = this.channel;
    if (!ch) return false;
    try {
      // amqplib buffers past its high-water mark and says so; the broker connection drains it.
      ch.publish(this.options.exchange, routingKey, body, {
        mandatory: opts.mandatory ?? false,
        contentType: 'application/json',
        type: m.type,
      });
      return true;
    } catch (e) {
      this.lastError = e instanceof Error ? e : new Error(String(e));
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const ch = this.channel;
    this.channel = undefined;
    // The channel first: closing the connection alone drops frames still queued on it (the last results).
    await ch?.close().catch(() => undefined);
    await this.model.close().catch(() => undefined);
  }
}
