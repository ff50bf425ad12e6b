/**
 * The workers listening on a broker's exchange, asked again every few
 * seconds while shown (each listing waits a moment for the workers' answers,
 * so the next one is asked only after it ends).
 */
import { useEffect, useState } from 'react';
import type { Params } from '../../../app/contract/messages';
import type { WorkerData } from '../../../app/contract/results';
import { currentClient } from '../../state/connection';
import { useHostStore } from '../../state/host';
import { reason } from '../history/time';

/** How long a listing waits for workers to answer. */
export const LIST_WAIT_MS = 1_500;
/** Pause between the end of one listing and the next. */
export const WORKERS_REFRESH_MS = 5_000;

/** The `workers.list` params for a broker URL and exchange (blank: the host's default). */
export function workersParams(url: string, exchange: string): Params<'workers.list'> {
  return {
    ...(url.trim() ? { url: url.trim() } : {}),
    ...(exchange.trim() ? { exchange: exchange.trim() } : {}),
    waitMs: LIST_WAIT_MS,
  };
}

interface Listing {
  readonly request: string;
  /** The broker and exchange listed (workers of another broker are not kept). */
  readonly target: string;
  readonly workers: readonly WorkerData[] | undefined;
  /** When the answer came, ms since the epoch. */
  readonly at: number;
  readonly error: string | undefined;
}

/** The latest listing and the way to ask again now. */
export interface Workers {
  /** The workers of the latest listing of this broker; undefined before the first. */
  readonly workers: readonly WorkerData[] | undefined;
  readonly error: string | undefined;
  /** When the latest answer came. */
  readonly at: number | undefined;
  readonly loading: boolean;
  /** Why nothing can be asked now (not connected), if that is so. */
  readonly offline: string | undefined;
  readonly refresh: () => void;
}

/** The workers on `exchange` of the broker at `url`, kept current while the component is shown. */
export function useWorkers(url: string, exchange: string): Workers {
  const connection = useHostStore((s) => s.connection);
  const connected = connection.status === 'connected';
  const target = `${url.trim()}\n${exchange.trim()}`;
  const [tick, setTick] = useState(0);
  const request = `${target}\n${String(tick)}`;
  const [listing, setListing] = useState<Listing | undefined>(undefined);

  useEffect(() => {
    if (!connected) return;
    let dropped = false;
    let again: ReturnType<typeof setTimeout> | undefined;
    const client = currentClient();
    const call = client
      ? client.call('workers.list', workersParams(url, exchange))
      : Promise.reject(new Error('Not connected to the host'));
    const askAgainLater = () => {
      again = setTimeout(() => {
        setTick((t) => t + 1);
      }, WORKERS_REFRESH_MS);
    };
    call.then(
      (result) => {
        if (dropped) return;
        setListing({ request, target, workers: result.workers, at: Date.now(), error: undefined });
        askAgainLater();
      },
      (e: unknown) => {
        if (dropped) return;
        // Workers not heard from are not shown as if they were there.
        setListing({ request, target, workers: undefined, at: Date.now(), error: reason(e) });
        askAgainLater();
      },
    );
    return () => {
      dropped = true;
      clearTimeout(again);
    };
  }, [connected, request, target, url, exchange]);

  const current = listing?.target === target ? listing : undefined;
  return {
    workers: current?.workers,
    error: current?.error,
    at: current?.at,
    loading: connected && listing?.request !== request,
    offline: connected
      ? undefined
      : connection.status === 'connecting'
        ? 'Connecting to the host…'
        : `Not connected to the host: ${connection.reason}`,
    refresh: () => {
      setTick((t) => t + 1);
    },
  };
}
