/** The renderer's view of its host: the connection and the task kinds the host offers. */
import { create } from 'zustand';
import type { HostInfo, KindDescription } from '../host';

export type Connection =
  | { readonly status: 'connecting'; readonly attempt: number }
  | { readonly status: 'connected'; readonly host: HostInfo }
  | { readonly status: 'disconnected'; readonly reason: string; readonly retryInMs?: number };

export interface HostState {
  readonly connection: Connection;
  /** The catalog's kinds; `undefined` until the host has said. */
  readonly kinds: readonly KindDescription[] | undefined;
  /** Why the kinds could not be read, if they could not. */
  readonly kindsError: string | undefined;
}

export const useHostStore = create<HostState>()(() => ({
  connection: { status: 'connecting', attempt: 1 },
  kinds: undefined,
  kindsError: undefined,
}));
