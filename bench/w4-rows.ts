/**
 * W4's rows after measuring: a W4-sqlite row gets the limit measured beside
 * it (figure, ratio, commits per atom) and is followed by that limit's own
 * row; the table mode sums W4 up in a few sentences under the table.
 */
import type { AtomflowFigures } from './atomflow.js';
import type { Comparison } from './plan.js';
import { fmt, type Row } from './report.js';

/** Commits per atom with their last digit (2.004, not fmt's 2.00: the 4 per run are the point). */
function commitsText(x: number | undefined): string {
  return x === undefined ? '?' : String(Number(x.toPrecision(4)));
}

/**
 * The row of `c` as measured and, when `c` measures a limit beside its runs
 * (`limitWorkload`), the row given `limit`, `limit_ratio` (Atomflow median /
 * limit median) and `commits_per_atom`, followed by the limit's own row.
 */
export function withLimit(c: Comparison, af: AtomflowFigures, row: Row): Row[] {
  if (!c.limitWorkload || !af.limit) return [row];
  const ratio = row.atomflow.median / af.limit.median;
  const commits = af.commitsPerAtom;
  const counted = commits === undefined ? '' : ` (${commitsText(commits)} commits/atom)`;
  const said = `limit ${fmt(af.limit.median)} us/atom${counted}; AF/limit ${fmt(ratio)}×`;
  const persisted: Row = {
    ...row,
    ...(commits === undefined ? {} : { commits_per_atom: commits }),
    limit: af.limit,
    limit_ratio: ratio,
    note: row.note ? `${said}; ${row.note}` : said,
  };
  const limitRow: Row = {
    workload: c.limitWorkload,
    n: c.n,
    engine: 'serial',
    unit: c.unit,
    atomflow: af.limit,
    taskflow: null,
    ratio: null,
    ...(c.synchronous ? { synchronous: c.synchronous } : {}),
    ...(commits === undefined ? {} : { commits_per_atom: commits }),
    note:
      `limit of ${c.workload}, measured beside each of its runs: ${commitsText(commits)} commits/atom as counted ` +
      `in an engine run, each BEGIN IMMEDIATE + 1-row UPDATE + COMMIT on a fresh WAL file, synchronous=${
        c.synchronous ?? '?'
      }; no TaskFlow equivalent`,
  };
  return [persisted, limitRow];
}

/** W4 in words, for under the table; null when no W4 row was measured. */
export function w4Sentences(rows: readonly Row[]): string | null {
  const lines: string[] = [];
  const sqlite = rows.find((r) => r.workload === 'W4-sqlite');
  if (sqlite) {
    const perCommit =
      sqlite.limit && sqlite.commits_per_atom ? sqlite.limit.median / sqlite.commits_per_atom : undefined;
    lines.push(
      `Persistence (W4-sqlite, N=${sqlite.n}, every commit synced): Atomflow ${fmt(sqlite.atomflow.median)} us/atom` +
        (sqlite.limit_ratio != null && perCommit !== undefined
          ? ` = ${fmt(sqlite.limit_ratio)}× the limit of ${commitsText(sqlite.commits_per_atom)} durable WAL commits/atom ` +
            `× ${fmt(perCommit)} us per commit (target ≤ 3×` +
            // Possible when fsync latency changed between paired runs: W4-limit's min–max shows how much.
            `${sqlite.limit_ratio < 1 ? '; below 1× means the disk was slower during the limit’s loops' : ''})`
          : '') +
        (sqlite.ratio !== null
          ? `; TaskFlow's SQL backend ${fmt(sqlite.taskflow!.median)} us/atom = ${fmt(sqlite.ratio)}× Atomflow (target ≥ 100×).`
          : '; TaskFlow: null.'),
    );
  }
  const pages = rows.filter((r) => r.workload === 'W4-history');
  if (pages.length > 0) {
    const medians = pages.map((r) => r.atomflow.median);
    lines.push(
      `History (W4-history, ${pages[0]!.n.toLocaleString('en-US')} runs): one page of 50 in ` +
        `${fmt(Math.min(...medians))}–${fmt(Math.max(...medians))} ms (medians over ${pages.length} kinds of page; ` +
        'first listRuns of a freshly opened backend; target < 10 ms).',
    );
  }
  return lines.length > 0 ? lines.join('\n') : null;
}
