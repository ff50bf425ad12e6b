/**
 * The fuzz's own amqplib connection, apart from the engine's and the
 * workers': it records the real messages of a run (a queue of its own bound
 * to the routing keys they use: a direct exchange gives every bound queue a
 * copy, so the engine and the workers still get theirs) and publishes hostile
 * ones, through the exchange or straight to a queue, on a confirm channel so
 * a test knows when the broker has taken them all.
 *
 * What it publishes carries {@link NOISE_APP_ID} as its AMQP `appId`, so the
 * recorder can tell the noise from the real messages (it hears both).
 */
import * as amqp from 'amqplib';
import { parseMessage, type Message } from '../../engine/index.js';

/** Marks the messages the fuzz publishes (the engine and the workers never read AMQP properties). */
export const NOISE_APP_ID = 'atomflow-fuzz';

/** A real message the recorder heard. */
export interface Recorded {
  /** The routing key it was published with. */
  readonly key: string;
  readonly body: Buffer;
  readonly message: Message;
}

/** Where a hostile message goes: a routing key on the exchange, or a queue by name (the default exchange). */
export type Address = { readonly key: string } | { readonly queue: string };

/** AMQP properties as amqplib takes them. */
export type Properties = amqp.Options.Publish;

export class AmqpNoise {
  /** Every real message heard so far, in order. */
  readonly recorded: Recorded[] = [];

  private constructor(
    private readonly connection: amqp.ChannelModel,
    private readonly publisher: amqp.ConfirmChannel,
    private readonly listener: amqp.Channel,
    private readonly queue: string,
    readonly exchange: string,
  ) {}

  /**
   * Connects, declares the exchange as engines and workers do, and records
   * what is published to `bindings` from now on.
   */
  static async open(url: string, exchange: string, bindings: readonly string[]): Promise<AmqpNoise> {
    const connection = await amqp.connect(url, { noDelay: true });
    try {
      const publisher = await connection.createConfirmChannel();
      const listener = await connection.createChannel();
      await listener.assertExchange(exchange, 'direct', { durable: false, autoDelete: false });
      const { queue } = await listener.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
      const noise = new AmqpNoise(connection, publisher, listener, queue, exchange);
      for (const key of bindings) await noise.bind(key);
      await listener.consume(
        queue,
        (msg) => {
          if (!msg || msg.properties.appId === NOISE_APP_ID) return;
          const parsed = parseMessage(msg.content);
          // A real message that does not parse would be a bug of its own: the run's checks catch its effects.
          if (parsed.ok)
            noise.recorded.push({ key: msg.fields.routingKey, body: msg.content, message: parsed.message });
        },
        { noAck: true },
      );
      return noise;
    } catch (e) {
      await connection.close().catch(() => undefined);
      throw e;
    }
  }

  /** Records what is published to `key` too. */
  async bind(key: string): Promise<void> {
    await this.listener.bindQueue(this.queue, this.exchange, key);
  }

  /** Publishes `body` (marked as noise, whatever `props` say). */
  send(to: Address, body: Buffer, props: Properties = {}): void {
    const options: Properties = { ...props, appId: NOISE_APP_ID };
    if ('key' in to) this.publisher.publish(this.exchange, to.key, body, options);
    else this.publisher.sendToQueue(to.queue, body, options);
  }

  /** Resolves once the broker has confirmed everything sent so far. */
  async flush(): Promise<void> {
    await this.publisher.waitForConfirms();
  }

  /** Deletes the exchange (engines and workers declare it without auto-delete) and disconnects. */
  async close(deleteExchange: boolean): Promise<void> {
    if (deleteExchange) await this.listener.deleteExchange(this.exchange).catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}
