/**
 * A plain amqplib client for fault tests: it hears what is published to some
 * routing keys of an exchange (a queue of its own bound to them: a direct
 * exchange delivers a copy to every bound queue, so the engine or worker
 * listening there still gets its own), and publishes whatever a test wants,
 * garbage included.
 */
import * as amqp from 'amqplib';
import { parseMessage, type Message } from '../../engine/index.js';

/** A message the spy heard: its routing key, its body, and what it parses to (if it does). */
export interface Heard {
  readonly key: string;
  readonly body: Buffer;
  readonly message: Message | undefined;
  readonly at: number;
}

export class Spy {
  readonly heard: Heard[] = [];

  private constructor(
    private readonly connection: amqp.ChannelModel,
    private readonly channel: amqp.Channel,
    private readonly queue: string,
    readonly exchange: string,
  ) {}

  /** Connects, declares the exchange as engines and workers do, and binds a queue of its own to `bindings`. */
  static async open(url: string, exchange: string, bindings: readonly string[] = []): Promise<Spy> {
    const connection = await amqp.connect(url, { noDelay: true });
    const channel = await connection.createChannel();
    await channel.assertExchange(exchange, 'direct', { durable: false, autoDelete: false });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
    const spy = new Spy(connection, channel, queue, exchange);
    for (const key of bindings) await spy.bind(key);
    await channel.consume(
      queue,
      (msg) => {
        if (!msg) return;
        const parsed = parseMessage(msg.content);
        spy.heard.push({
          key: msg.fields.routingKey,
          body: msg.content,
          message: parsed.ok ? parsed.message : undefined,
          at: Date.now(),
        });
      },
      { noAck: true },
    );
    return spy;
  }

  async bind(key: string): Promise<void> {
    await this.channel.bindQueue(this.queue, this.exchange, key);
  }

  /** Publishes raw bytes to `key` on the exchange. */
  publish(key: string, body: Buffer | string): void {
    this.channel.publish(this.exchange, key, typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  }

  /** Resolves once every publish so far has reached the broker (a round trip on the channel). */
  async flush(): Promise<void> {
    await this.channel.checkExchange(this.exchange);
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}

/** Polls `condition` every 10 ms; rejects naming `what` after `withinMs`. */
export async function waitFor(condition: () => boolean, withinMs: number, what: string): Promise<void> {
  const until = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out after ${String(withinMs)} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
