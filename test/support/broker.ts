/**
 * A RabbitMQ node of a test's own, for the tests that stop, restart or
 * reconfigure the broker: they must never touch the shared broker on
 * 127.0.0.1:5672 that every other test uses.
 *
 * The node gets its own name, ports, data, logs, config and Erlang cookie,
 * all under a temporary folder, and nothing of the shared node's set-up:
 *
 *   - The scripts are run from RabbitMQ's own `bin` folder
 *     (`/usr/lib/rabbitmq/bin` on Debian and Ubuntu; `$ATOMFLOW_TEST_RABBITMQ_BIN`
 *     overrides it, else the commands are taken from `PATH`). Debian's
 *     `/usr/sbin` wrappers, run as root, `su` to the `rabbitmq` user, which
 *     resets `HOME` (so they would use the shared node's cookie) and sends the output to
 *     `/var/log/rabbitmq`.
 *   - `RABBITMQ_CONF_ENV_FILE` points to an empty file (the system one,
 *     `/etc/rabbitmq/rabbitmq-env.conf`, names the shared node) and
 *     `RABBITMQ_CONFIG_FILE` to our own `rabbitmq.conf` (the system one opens
 *     a listener on 127.0.0.1:5672, the shared node's port).
 *   - `HOME` is the temporary folder, with an `.erlang.cookie` written before
 *     the node starts, so the node and `rabbitmqctl` share it.
 *   - The ports are below Linux's ephemeral range (32768–60999): a listener on
 *     an ephemeral port can collide with the local end of an outgoing
 *     connection, and then `start_app` fails with `eaddrinuse`.
 *
 * The same thing by hand (the values are examples; the port must be free):
 *
 *   D=$(mktemp -d); mkdir -p "$D/home"; : > "$D/enabled_plugins"; : > "$D/rabbitmq-env.conf"
 *   : > "$D/rabbitmq.conf"   # with TLS, the lines `startBroker({ tls })` writes: see below
 *   head -c 15 /dev/urandom | base32 | tr -dc A-Z > "$D/home/.erlang.cookie"; chmod 400 "$D/home/.erlang.cookie"
 *   export HOME="$D/home" RABBITMQ_NODENAME=atomflow-fault-1@localhost \
 *     RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=21672 RABBITMQ_DIST_PORT=21673 \
 *     RABBITMQ_MNESIA_BASE="$D/mnesia" RABBITMQ_LOG_BASE="$D/log" RABBITMQ_PID_FILE="$D/rabbitmq.pid" \
 *     RABBITMQ_CONFIG_FILE="$D/rabbitmq.conf" RABBITMQ_ADVANCED_CONFIG_FILE="$D/advanced.config" \
 *     RABBITMQ_ENABLED_PLUGINS_FILE="$D/enabled_plugins" RABBITMQ_CONF_ENV_FILE="$D/rabbitmq-env.conf" \
 *     RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
 *     RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
 *   /usr/lib/rabbitmq/bin/rabbitmq-server -detached
 *   # until it answers (the node needs a moment to register with epmd; a cold boot takes ~10 s here):
 *   until /usr/lib/rabbitmq/bin/rabbitmqctl -n atomflow-fault-1@localhost await_startup; do sleep 0.3; done
 *   # …  amqp://guest:guest@127.0.0.1:21672
 *   /usr/lib/rabbitmq/bin/rabbitmqctl -n atomflow-fault-1@localhost stop "$D/rabbitmq.pid"
 *
 * A TLS listener (`amqps://guest:guest@127.0.0.1:21674`), with the certificates of
 * {@link makeCertificates}, is these lines in `$D/rabbitmq.conf`:
 *
 *   listeners.ssl.default = 127.0.0.1:21674
 *   ssl_options.cacertfile = /path/to/ca.pem
 *   ssl_options.certfile = /path/to/server.pem
 *   ssl_options.keyfile = /path/to/server.key
 *   ssl_options.verify = verify_none
 *   ssl_options.fail_if_no_peer_cert = false
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const DEBIAN_BIN = '/usr/lib/rabbitmq/bin';
const BIN = process.env.ATOMFLOW_TEST_RABBITMQ_BIN ?? (existsSync(DEBIAN_BIN) ? DEBIAN_BIN : undefined);
const command = (name: string): string => (BIN ? join(BIN, name) : name);

/** The files of a TLS listener (PEM). */
export interface BrokerTls {
  readonly cacertfile: string;
  readonly certfile: string;
  readonly keyfile: string;
}

export interface OwnBroker {
  /** The Erlang node name, for `rabbitmqctl -n`. */
  readonly node: string;
  readonly port: number;
  /** `amqp://guest:guest@127.0.0.1:<port>` */
  readonly url: string;
  /** With `tls`: the TLS listener's port and `amqps://guest:guest@127.0.0.1:<tlsPort>`. */
  readonly tlsPort: number | undefined;
  readonly tlsUrl: string | undefined;
  /** The node's folder (data, logs, config, cookie). */
  readonly dir: string;
  /** Runs `rabbitmqctl -n <node> …args`; resolves with its output, rejects with it on failure. */
  ctl(...args: string[]): Promise<string>;
  /**
   * Stops the RabbitMQ application but not the Erlang node: every client
   * connection is closed, the listener goes away (reconnects are refused)
   * and transient exchanges, queues and bindings are lost.
   */
  stopApp(): Promise<void>;
  /** Starts the application again (about a second, against ~10 s for a cold boot). */
  startApp(): Promise<void>;
  /** Stops the node and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

function run(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) {
        reject(
          new Error(
            `${[file, ...args].join(' ')} failed (${error.message.split('\n')[0] ?? ''}):\n${stdout}${stderr}`,
          ),
        );
      } else {
        resolve(stdout);
      }
    });
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => {
      resolve(false);
    });
    s.listen(port, '127.0.0.1', () => {
      s.close(() => {
        resolve(true);
      });
    });
  });
}

/** `count` consecutive free ports on 127.0.0.1, below Linux's ephemeral range. */
async function freePorts(count: number): Promise<number[]> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const ports = Array.from({ length: count }, (_, i) => base + i);
    let ok = true;
    for (const p of ports) if (!(await portFree(p))) ok = false;
    if (ok) return ports;
  }
  throw new Error(`no ${count} free consecutive ports between 20000 and 32000`);
}

const running = new Set<string>();
process.on('exit', () => {
  // A test process that dies without its afterAll: do not leave nodes behind.
  for (const pidFile of running) {
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

/**
 * Starts a RabbitMQ node of its own (detached) and waits until it accepts
 * connections. Stop it with {@link OwnBroker.stop} (in `afterAll`).
 */
export async function startBroker(options: { name?: string; tls?: BrokerTls } = {}): Promise<OwnBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'atomflow-broker-'));
  const home = join(dir, 'home');
  mkdirSync(home);
  const cookie = join(home, '.erlang.cookie');
  writeFileSync(cookie, randomBytes(15).toString('hex').toUpperCase());
  chmodSync(cookie, 0o400);
  writeFileSync(join(dir, 'enabled_plugins'), '');
  writeFileSync(join(dir, 'rabbitmq-env.conf'), '');

  const ports = await freePorts(3);
  const [port, distPort, tlsPort] = ports as [number, number, number];
  const conf: string[] = [];
  if (options.tls) {
    conf.push(
      `listeners.ssl.default = 127.0.0.1:${String(tlsPort)}`,
      `ssl_options.cacertfile = ${options.tls.cacertfile}`,
      `ssl_options.certfile = ${options.tls.certfile}`,
      `ssl_options.keyfile = ${options.tls.keyfile}`,
      'ssl_options.verify = verify_none',
      'ssl_options.fail_if_no_peer_cert = false',
    );
  }
  writeFileSync(join(dir, 'rabbitmq.conf'), conf.map((l) => `${l}\n`).join(''));

  const node = `${options.name ?? `atomflow-fault-${String(process.pid)}`}-${randomBytes(3).toString('hex')}@localhost`;
  const pidFile = join(dir, 'rabbitmq.pid');
  // Nothing of the shared node's environment (its name, ports, files) may leak in.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('RABBITMQ_') && k !== 'ERL_FLAGS'),
  );
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    HOME: home,
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_PID_FILE: pidFile,
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    RABBITMQ_CTL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
  };

  const ctl = (...args: string[]): Promise<string> => run(command('rabbitmqctl'), ['-n', node, ...args], env);

  await run(command('rabbitmq-server'), ['-detached'], env);
  running.add(pidFile);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    try {
      // With the pid file, `stop` returns once the node's process has exited.
      await run(command('rabbitmqctl'), ['-n', node, 'stop', pidFile], env, 30_000);
    } catch {
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
      } catch {
        // Never started, or already gone.
      }
    }
    running.delete(pidFile);
    rmSync(dir, { recursive: true, force: true });
  };

  // `await_startup` fails at once while the node has not registered with epmd yet: try again.
  const until = Date.now() + 90_000;
  for (;;) {
    try {
      await ctl('await_startup', '--timeout', '60');
      break;
    } catch (e) {
      if (Date.now() > until) {
        let log = '';
        try {
          log = readFileSync(join(dir, 'log', `${node}.log`), 'utf8').slice(-4000);
        } catch {
          // No log yet.
        }
        await stop();
        throw new Error(`RabbitMQ node ${node} did not start: ${String(e)}\n${log}`, { cause: e });
      }
      await sleep(300);
    }
  }

  return {
    node,
    port,
    url: `amqp://guest:guest@127.0.0.1:${String(port)}`,
    tlsPort: options.tls ? tlsPort : undefined,
    tlsUrl: options.tls ? `amqps://guest:guest@127.0.0.1:${String(tlsPort)}` : undefined,
    dir,
    ctl,
    async stopApp() {
      await ctl('stop_app');
    },
    async startApp() {
      await ctl('start_app');
      await ctl('await_startup', '--timeout', '60');
    },
    stop,
  };
}

/** A self-signed CA and a server certificate it signed, for 127.0.0.1 and localhost (needs `openssl`). */
export async function makeCertificates(dir: string): Promise<BrokerTls & { cakey: string }> {
  const f = (name: string): string => join(dir, name);
  const env = process.env;
  await run(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=atomflow test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout',
      f('ca.key'),
      '-out',
      f('ca.pem'),
    ],
    env,
  );
  await run(
    'openssl',
    [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=localhost',
      '-keyout',
      f('server.key'),
      '-out',
      f('server.csr'),
    ],
    env,
  );
  writeFileSync(
    f('server.ext'),
    [
      'subjectAltName = IP:127.0.0.1, DNS:localhost',
      'basicConstraints = CA:FALSE',
      'keyUsage = digitalSignature, keyEncipherment',
      'extendedKeyUsage = serverAuth',
      '',
    ].join('\n'),
  );
  await run(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      f('server.csr'),
      '-CA',
      f('ca.pem'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      f('server.ext'),
      '-out',
      f('server.pem'),
    ],
    env,
  );
  return { cacertfile: f('ca.pem'), cakey: f('ca.key'), certfile: f('server.pem'), keyfile: f('server.key') };
}
