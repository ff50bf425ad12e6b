/**
 * One page of the run history at a time, straight from the host's indexed
 * query: filters, keyset pagination (the host's `nextCursor` forward, a stack
 * of the cursors already used back), and a quiet refresh every few seconds
 * while a run on the page is still going. Only the page shown is ever
 * fetched or held, so a history of 100,000 runs costs what one of 50 does.
 */
import { useEffect, useState } from 'react';
import type { Params } from '../../../app/contract/messages';
import type { RunSummaryData } from '../../../app/contract/results';
import type { RunLookKey } from '../../run/looks';
import { currentClient } from '../../state/connection';
import { useHostStore } from '../../state/host';
import { reason } from './time';

/** Runs per page. */
export const PAGE_SIZE = 50;
/** How often a page with a running run is read again. */
export const ACTIVE_REFRESH_MS = 3_000;

/** What the history is narrowed to; an empty string means "any". */
export interface RunFilter {
  /** Exactly this flow name. */
  readonly flow: string;
  /** A run state, or `INTERRUPTED`. */
  readonly state: string;
  readonly engine: string;
}

export const NO_FILTER: RunFilter = { flow: '', state: '', engine: '' };

/** The `runs.list` params for a filter and a page's cursor. */
export function listParams(filter: RunFilter, cursor: string | undefined): Params<'runs.list'> {
  return {
    limit: PAGE_SIZE,
    ...(filter.flow !== '' ? { flow: filter.flow } : {}),
    ...(filter.state !== '' ? { state: filter.state } : {}),
    ...(filter.engine !== '' ? { engine: filter.engine } : {}),
    ...(cursor !== undefined ? { cursor } : {}),
  };
}

const GOING: ReadonlySet<string> = new Set(['PENDING', 'RUNNING', 'RESUMING', 'SUSPENDING']);

/** Whether a run may still change on its own (an interrupted one will not until resumed). */
export function isGoing(run: RunSummaryData): boolean {
  return run.interrupted !== true && GOING.has(run.state);
}

/** The state a run is shown with: its own, or INTERRUPTED when its host is gone. */
export function shownState(run: RunSummaryData): RunLookKey {
  return run.interrupted === true ? 'INTERRUPTED' : run.state;
}

/** Where a page starts: the cursor it is asked with, and how many matching runs come before it. */
interface PageRef {
  readonly cursor: string | undefined;
  readonly start: number;
}

const FIRST_PAGE: readonly PageRef[] = [{ cursor: undefined, start: 0 }];

/** The pages walked so far under one filter (the last is the one shown). */
interface Walk {
  readonly filterKey: string;
  readonly pages: readonly PageRef[];
}

/** The latest answer: for which request and page, and what it said. */
interface Answer {
  readonly request: string;
  readonly page: string;
  readonly start: number;
  readonly runs: readonly RunSummaryData[];
  readonly nextCursor: string | undefined;
  readonly error: string | undefined;
}

/** A page of the history and the ways to move through it. */
export interface RunPage {
  /** The rows to show: those of the page asked for, or of the previous one while it loads. */
  readonly runs: readonly RunSummaryData[];
  /** How many matching runs come before the first row shown. */
  readonly start: number;
  /** 0 for the newest page. */
  readonly pageIndex: number;
  /** A request is under way (a page change, a refresh). */
  readonly loading: boolean;
  /** The rows shown are not yet those of the page or filter asked for. */
  readonly stale: boolean;
  /** The page asked for has been answered at least once. */
  readonly answered: boolean;
  /** Why the latest request failed. */
  readonly error: string | undefined;
  /** Why nothing can be asked now (not connected), if that is so. */
  readonly offline: string | undefined;
  readonly hasNext: boolean;
  readonly hasPrev: boolean;
  readonly next: () => void;
  readonly prev: () => void;
  /** Reads the page shown again, keeping its place. */
  readonly refresh: () => void;
}

/**
 * The page of runs matching `filter`; a new filter starts again from the
 * newest page. Nothing is asked while `enabled` is false (e.g. while a
 * comparison covers the table); it reads its page again when enabled.
 */
export function useRunPage(filter: RunFilter, enabled = true): RunPage {
  const connection = useHostStore((s) => s.connection);
  const connected = connection.status === 'connected';
  const filterKey = JSON.stringify([filter.flow, filter.state, filter.engine]);
  const [walk, setWalk] = useState<Walk>({ filterKey, pages: FIRST_PAGE });
  // A new filter starts from the newest page: the stack of another filter's cursors means nothing.
  const pages = walk.filterKey === filterKey ? walk.pages : FIRST_PAGE;
  const here = pages[pages.length - 1] ?? { cursor: undefined, start: 0 };
  const pageId = `${filterKey}#${String(pages.length)}#${here.cursor ?? ''}`;
  const [tick, setTick] = useState(0);
  const request = `${pageId}#${String(tick)}`;
  const [answer, setAnswer] = useState<Answer | undefined>(undefined);

  const { flow, state, engine } = filter;
  const { cursor, start } = here;
  useEffect(() => {
    if (!connected || !enabled) return;
    let dropped = false;
    let again: ReturnType<typeof setTimeout> | undefined;
    const client = currentClient();
    const call = client
      ? client.call('runs.list', listParams({ flow, state, engine }, cursor))
      : Promise.reject(new Error('Not connected to the host'));
    call.then(
      (result) => {
        if (dropped) return;
        setAnswer({
          request,
          page: pageId,
          start,
          runs: result.runs,
          nextCursor: result.nextCursor,
          error: undefined,
        });
        // Running rows change on their own: read the same page again soon, without moving.
        if (result.runs.some(isGoing)) {
          again = setTimeout(() => {
            setTick((t) => t + 1);
          }, ACTIVE_REFRESH_MS);
        }
      },
      (e: unknown) => {
        if (dropped) return;
        // A failed refresh keeps the rows it would have replaced; a failed page change shows none.
        setAnswer((prev) => ({
          request,
          page: pageId,
          start,
          runs: prev?.page === pageId ? prev.runs : [],
          nextCursor: prev?.page === pageId ? prev.nextCursor : undefined,
          error: reason(e),
        }));
      },
    );
    return () => {
      // An answer to a request no longer wanted (the filter or page changed meanwhile) is dropped.
      dropped = true;
      clearTimeout(again);
    };
  }, [connected, enabled, request, pageId, flow, state, engine, cursor, start]);

  const current = answer?.page === pageId ? answer : undefined;
  const offline = connected
    ? undefined
    : connection.status === 'connecting'
      ? 'Connecting to the host…'
      : `Not connected to the host: ${connection.reason}`;
  return {
    runs: answer?.runs ?? [],
    start: answer?.start ?? 0,
    pageIndex: pages.length - 1,
    loading: connected && enabled && answer?.request !== request,
    stale: answer !== undefined && current === undefined,
    answered: current !== undefined,
    error: current?.error,
    offline,
    hasNext: current?.nextCursor !== undefined,
    hasPrev: pages.length > 1,
    next: () => {
      if (current?.nextCursor === undefined) return;
      const nextPage = { cursor: current.nextCursor, start: current.start + current.runs.length };
      setWalk({ filterKey, pages: [...pages, nextPage] });
    },
    prev: () => {
      if (pages.length > 1) setWalk({ filterKey, pages: pages.slice(0, -1) });
    },
    refresh: () => {
      setTick((t) => t + 1);
    },
  };
}

/** `value`, once it has stayed the same for `ms` (for a filter applied while typing). */
export function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => {
      setSettled(value);
    }, ms);
    return () => {
      clearTimeout(timer);
    };
  }, [value, ms]);
  return settled;
}
