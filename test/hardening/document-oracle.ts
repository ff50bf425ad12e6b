/**
 * The oracle of the document fuzzer: puts one document through the real
 * entry points (validation, the reader of text, the run service on a real
 * SQLite file) and says what is wrong, if anything.
 *
 * A document must either run to an end state that is right (exactly the
 * expected results for a generated one), or be refused with problems that
 * each name a node and a field, with nothing written to the run store. In
 * both cases within a time bound, without an unhandled error and without
 * touching `Object.prototype`.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { inspect, isDeepStrictEqual } from 'node:util';
import { readDocument, validateDocument } from '../../app/document/index.js';
import {
  InvalidDocumentError,
  RunService,
  type RequestProblem,
  type RunEndEvent,
} from '../../app/runs/index.js';
import type { BuiltDocument } from './document-builder.js';
import { namedObjects, problemsFault } from './document-problems.js';

/** Where a refusal must point: a node (undefined: the document's own fields) and its field. */
export interface Blame {
  readonly node: string | undefined;
  readonly path: string | RegExp;
}

/** What the fuzzer knows a document must do. */
export type Expectation =
  /** A generated document (or one changed so that it must behave the same): runs to `built.outcome`; refusing is wrong unless `mayRefuse`. */
  | { readonly kind: 'outcome'; readonly built: BuiltDocument; readonly mayRefuse: boolean }
  /** Must be refused, with a problem matching one of `blame` when given. */
  | { readonly kind: 'refuse'; readonly blame?: readonly Blame[] }
  /** Either, as long as it is one of the two, done properly. */
  | { readonly kind: 'any' };

/** One document to check: an object given to the service as is, or JSON text read as a file is. */
export interface DocumentCase {
  readonly label: string;
  readonly input:
    { readonly mode: 'object'; readonly value: unknown } | { readonly mode: 'text'; readonly text: string };
  readonly expect: Expectation;
  /** `inputs` given with the run request (as a front end would). */
  readonly requestInputs?: unknown;
}

/** What happened to a case. */
export type Verdict = 'ran' | 'refused' | 'not-json';

const TERMINAL = new Set(['SUCCESS', 'REVERTED', 'FAILURE']);
const TABLES = ['logbooks', 'flowdetails', 'atomdetails', 'events'] as const;

/** Own property names of the built-in prototypes, to notice pollution. */
function prototypeKeys(): string {
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype]
    .map((p) => Reflect.ownKeys(p).map(String).sort().join(','))
    .join('|');
}

/** A problem with the case: the property fails with this message. */
export class OracleFailure extends Error {
  override readonly name = 'OracleFailure';
}

/** Where two values first differ (a path and both sides, for a failure message), or '' when equal. */
function firstDifference(a: unknown, b: unknown): string {
  const stack: [unknown, unknown, string][] = [[a, b, '']];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [x, y, path] = top;
    if (isDeepStrictEqual(x, y)) continue;
    const bothObjects = typeof x === 'object' && x !== null && typeof y === 'object' && y !== null;
    const keys = bothObjects ? [...new Set([...Reflect.ownKeys(x), ...Reflect.ownKeys(y)])] : [];
    const differing = keys.filter((k) => !isDeepStrictEqual((x as never)[k], (y as never)[k]));
    if (differing.length === 0) {
      const proto = (v: unknown): string =>
        bothObjects ? String(Object.getPrototypeOf(v)?.constructor?.name) : '';
      return `at ${path || '(root)'}: ${inspect(x, { depth: 1 })} ${proto(x)} vs ${inspect(y, { depth: 1 })} ${proto(y)}`.slice(
        0,
        400,
      );
    }
    for (const k of differing) stack.push([(x as never)[k], (y as never)[k], `${path}.${String(k)}`]);
  }
  return '';
}

/** A plain copy through JSON, to compare expected values with a run's (plain JSON objects on both sides). */
function viaJson(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v)) as unknown;
}

/**
 * Runs cases against one run store at a time (a fresh file every
 * `rotateEvery` cases, so both "no file yet" and "a file with runs" are
 * checked for refusals) and an HTTP server for `http` tasks.
 */
export class DocumentOracle {
  readonly counts = { ran: 0, refused: 0, notJson: 0, success: 0, reverted: 0, otherEnd: 0 };
  /** Slowest case, to report. */
  slowestMs = 0;
  slowestLabel = '';
  private readonly dir = mkdtempSync(join(tmpdir(), 'atomflow-fuzz-docs-'));
  private service: RunService | undefined;
  private reader: Database.Database | undefined;
  private db = '';
  private inThisDb = 0;
  private stores = 0;
  private server: Server | undefined;
  private readonly unhandled: unknown[] = [];
  private readonly baseline = prototypeKeys();
  private readonly onUnhandled = (e: unknown): void => {
    this.unhandled.push(e);
  };
  /** Base URL of the echo server (after {@link open}). */
  httpBase = '';

  /**
   * `boundMs`: how long one case may take; `boundMsPerMiB` more for each MiB
   * of the document's JSON and each atom (plus four). The run's record holds
   * its document, and SQLite rewrites that record each time an atom's state
   * is saved (`touchFlow`), so a run's time grows with size × atoms.
   */
  constructor(
    private readonly options: {
      readonly rotateEvery: number;
      readonly boundMs: number;
      readonly boundMsPerMiB: number;
    },
  ) {}

  /** The time bound of a case, by the size of its document. */
  private boundOf(c: DocumentCase): number {
    let bytes = 0;
    try {
      bytes = Buffer.byteLength(
        c.input.mode === 'text' ? c.input.text : (JSON.stringify(c.input.value) ?? ''),
      );
    } catch {
      // Not JSON data (a cycle, a bigint, too deep to serialise): refused on its shape, not its size.
    }
    const atoms = c.input.mode === 'object' || bytes > 0 ? namedObjects(this.parsedOf(c)).size : 0;
    return this.options.boundMs + (bytes / (1024 * 1024)) * (4 + atoms) * this.options.boundMsPerMiB;
  }

  /** The case's document as a value (for text that is not JSON: nothing). */
  private parsedOf(c: DocumentCase): unknown {
    if (c.input.mode === 'object') return c.input.value;
    try {
      return JSON.parse(c.input.text) as unknown;
    } catch {
      return undefined;
    }
  }

  /** Starts the echo server and listens for unhandled errors. */
  async open(): Promise<void> {
    process.on('unhandledRejection', this.onUnhandled);
    process.on('uncaughtException', this.onUnhandled);
    // Answers every request with what it got: method, path and body text, as JSON.
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({ method: req.method, path: req.url, body: Buffer.concat(chunks).toString('utf8') }),
        );
      });
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no server address');
    this.httpBase = `http://127.0.0.1:${String(address.port)}`;
    this.rotate();
  }

  /** Stops everything and removes the temporary folder. */
  async close(): Promise<void> {
    await this.closeStore();
    await new Promise<void>((resolve) => {
      if (this.server)
        this.server.close(() => {
          resolve();
        });
      else resolve();
    });
    process.off('unhandledRejection', this.onUnhandled);
    process.off('uncaughtException', this.onUnhandled);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async closeStore(): Promise<void> {
    this.reader?.close();
    this.reader = undefined;
    await this.service?.close();
    this.service = undefined;
  }

  private rotate(): void {
    this.stores++;
    this.db = join(this.dir, `runs-${String(this.stores)}.db`);
    // `normal`: no fsync per transition (the file is real, only power-loss safety is traded for speed).
    this.service = new RunService({ db: this.db, backend: { synchronous: 'normal' } });
    this.inThisDb = 0;
  }

  /** Row counts of the run store, or `null` when the file does not exist. */
  private snapshot(): Record<string, number> | null {
    if (!existsSync(this.db)) return null;
    this.reader ??= new Database(this.db, { readonly: true, fileMustExist: true });
    const out: Record<string, number> = {};
    for (const t of TABLES)
      out[t] = (this.reader.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    return out;
  }

  /** Checks one case; throws {@link OracleFailure} saying what is wrong. */
  async check(c: DocumentCase): Promise<Verdict> {
    if (this.inThisDb >= this.options.rotateEvery) {
      await this.closeStore();
      this.rotate();
    }
    this.inThisDb++;
    const bound = this.boundOf(c);
    const started = performance.now();
    const verdict = await this.checkCase(c, bound);
    const ms = performance.now() - started;
    if (ms > this.slowestMs) {
      this.slowestMs = ms;
      this.slowestLabel = c.label;
    }
    // A synchronous step cannot be interrupted by a timer; it is measured instead.
    if (ms > bound) this.fail(c, `took ${ms.toFixed(0)} ms (bound ${bound.toFixed(0)} ms)`);
    if (prototypeKeys() !== this.baseline || ({} as Record<string, unknown>).polluted !== undefined)
      this.fail(c, 'a built-in prototype changed');
    if (this.unhandled.length > 0) this.fail(c, `unhandled error: ${String(this.unhandled[0])}`);
    return verdict;
  }

  /** Fails the case, keeping its document in a file (outside the folder `close` removes) to look at. */
  private fail(c: DocumentCase, why: string): never {
    const file = join(tmpdir(), `atomflow-fuzz-documents-failure-${String(process.pid)}.json`);
    let kept = '';
    try {
      const input = c.input.mode === 'text' ? c.input.text : JSON.stringify(c.input.value, null, 2);
      writeFileSync(file, input);
      kept = ` (document in ${file})`;
    } catch {
      // Not JSON data (a cycle, a bigint…): the seed replays it.
    }
    throw new OracleFailure(`[${c.label}] ${why}${kept}`);
  }

  private async checkCase(c: DocumentCase, bound: number): Promise<Verdict> {
    let value: unknown;
    let problems: readonly RequestProblem[];
    if (c.input.mode === 'text') {
      const read = readDocument(c.input.text);
      try {
        value = JSON.parse(
          c.input.text.startsWith('\uFEFF') ? c.input.text.slice(1) : c.input.text,
        ) as unknown;
      } catch {
        // What a front end does with text that is not JSON: show the reader's problem; nothing is run.
        const [p, ...rest] = read.problems;
        if (!p || rest.length > 0 || p.path !== '' || !p.message.startsWith('not valid JSON'))
          this.fail(c, `text that is not JSON read as ${JSON.stringify(read.problems).slice(0, 300)}`);
        if (c.expect.kind === 'outcome' && !c.expect.mayRefuse)
          this.fail(c, 'a valid document became text that is not JSON');
        this.counts.notJson++;
        return 'not-json';
      }
      problems = read.problems;
      if (problems.length === 0 && !isDeepStrictEqual(read.document, value))
        this.fail(c, 'the reader gave back another document than the text holds');
    } else {
      value = c.input.value;
      problems = validateDocument(value);
    }
    if (problems.length > 0) {
      const fault = problemsFault(problems, value);
      if (fault !== undefined) this.fail(c, `validation: ${fault}`);
    }
    const runs = this.service as RunService;
    const before = this.snapshot();
    let id: string;
    try {
      id = runs.start(
        value,
        c.requestInputs === undefined ? {} : { inputs: c.requestInputs as Record<string, unknown> },
      );
    } catch (e) {
      if (!(e instanceof InvalidDocumentError)) this.fail(c, `start threw ${String(e)}`);
      const fault = problemsFault(e.problems, value);
      if (fault !== undefined) this.fail(c, `run service: ${fault}`);
      if (c.requestInputs === undefined && !isDeepStrictEqual([...e.problems], [...problems]))
        this.fail(
          c,
          `the run service and validation disagree: ${e.message.slice(0, 300)} vs ${JSON.stringify(problems).slice(0, 300)}`,
        );
      const after = this.snapshot();
      if (!isDeepStrictEqual(before, after))
        this.fail(
          c,
          `a refused document wrote to the run store: ${JSON.stringify(before)} → ${JSON.stringify(after)}`,
        );
      this.expectRefusal(c, e.problems);
      this.counts.refused++;
      return 'refused';
    }
    if (problems.length > 0 && c.requestInputs === undefined)
      this.fail(
        c,
        `the run service ran a document validation refuses: ${JSON.stringify(problems).slice(0, 300)}`,
      );
    const end = await this.waitBounded(c, runs, id, bound);
    this.checkStored(c, runs, id, end, value);
    this.expectRun(c, end);
    this.counts.ran++;
    if (end.state === 'SUCCESS') this.counts.success++;
    else if (end.state === 'REVERTED') this.counts.reverted++;
    else this.counts.otherEnd++;
    return 'ran';
  }

  private async waitBounded(
    c: DocumentCase,
    runs: RunService,
    id: string,
    bound: number,
  ): Promise<RunEndEvent> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new OracleFailure(`[${c.label}] the run did not end within ${bound.toFixed(0)} ms`));
      }, bound);
    });
    try {
      return await Promise.race([runs.wait(id), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The run as the history keeps it agrees with how it ended and with the document. */
  private checkStored(c: DocumentCase, runs: RunService, id: string, end: RunEndEvent, value: unknown): void {
    if (!TERMINAL.has(end.state)) this.fail(c, `the run ended ${end.state}`);
    const view = runs.getRun(id);
    if (view.state !== end.state) this.fail(c, `stored state ${view.state}, ended ${end.state}`);
    const doc = value as { name: string; flow: unknown };
    if (view.flow !== doc.name)
      this.fail(c, `stored flow name ${JSON.stringify(view.flow)} for ${JSON.stringify(doc.name)}`);
    // The store keeps the document as run: with the request's inputs merged over its own.
    const run =
      c.requestInputs === undefined
        ? value
        : {
            ...(value as object),
            inputs: { ...(value as { inputs?: object }).inputs, ...(c.requestInputs as object) },
          };
    // As JSON on both sides: the store gives back plain objects (an object given without a prototype
    // comes back with one), and its own codec tests cover what JSON cannot say (-0, undefined).
    const stored = viaJson(view.document);
    const given = viaJson(run);
    if (!isDeepStrictEqual(stored, given))
      this.fail(c, `the stored document differs from the one run ${firstDifference(stored, given)}`);
    if (!isDeepStrictEqual(view.results, end.results))
      this.fail(c, 'the stored results differ from the end event');
    if (c.expect.kind === 'outcome') {
      const stored = view.atoms.map((a) => a.name).sort();
      const expected = [...c.expect.built.atoms].sort();
      if (!isDeepStrictEqual(stored, expected))
        this.fail(
          c,
          `stored atoms ${JSON.stringify(stored).slice(0, 200)}, document has ${JSON.stringify(expected).slice(0, 200)}`,
        );
    }
  }

  private expectRun(c: DocumentCase, end: RunEndEvent): void {
    const e = c.expect;
    if (e.kind === 'refuse') this.fail(c, `ran (${end.state}) a document that must be refused`);
    if (e.kind !== 'outcome') return;
    const want = e.built.outcome;
    if (end.state !== want.state)
      this.fail(
        c,
        `ended ${end.state}, expected ${want.state}: ${JSON.stringify(end.failures).slice(0, 400)}`,
      );
    if (want.state === 'SUCCESS') {
      if (!isDeepStrictEqual(end.results, viaJson(want.results)))
        this.fail(
          c,
          `results ${JSON.stringify(end.results).slice(0, 400)}, expected ${JSON.stringify(want.results).slice(0, 400)}`,
        );
    } else if (
      !end.failures.some(
        (f) => f.atom === want.failing && f.phase === 'execute' && f.message === want.message,
      )
    ) {
      this.fail(
        c,
        `no failure of ${JSON.stringify(want.failing)}: ${JSON.stringify(end.failures).slice(0, 400)}`,
      );
    }
  }

  private expectRefusal(c: DocumentCase, problems: readonly RequestProblem[]): void {
    const e = c.expect;
    if (e.kind === 'outcome' && !e.mayRefuse)
      this.fail(c, `refused a valid document: ${JSON.stringify(problems).slice(0, 400)}`);
    if (e.kind !== 'refuse' || e.blame === undefined) return;
    const hit = problems.some((p) =>
      (e.blame ?? []).some(
        (b) => p.node === b.node && (typeof b.path === 'string' ? p.path === b.path : b.path.test(p.path)),
      ),
    );
    if (!hit)
      this.fail(
        c,
        `refused, but no problem at ${(e.blame ?? []).map((b) => `${String(b.node)}:${String(b.path)}`).join(' or ')}: ${JSON.stringify(problems).slice(0, 400)}`,
      );
  }
}
