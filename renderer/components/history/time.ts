/**
 * Times as the history and workers views show them: when something started
 * (relative today, a local date otherwise), how long ago a worker was heard
 * from, and a clock that ticks so those words stay true while shown.
 */
import { useEffect, useState } from 'react';

/** Whether two times fall on the same local calendar day. */
function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** "just now", "12 s ago", "5 min ago", "3 h ago" for an age in milliseconds. */
export function formatAgo(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 1) return 'just now';
  if (seconds < 60) return `${String(seconds)} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${String(minutes)} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${String(hours)} h ago`;
  return `${String(Math.floor(hours / 24))} days ago`;
}

/**
 * When a run started, short: relative for today ("5 min ago"), the local
 * day and time otherwise ("12 May 14:05", with the year when it is not this
 * year's). Unreadable times are shown as they came.
 */
export function formatStarted(when: string | number, now: number): string {
  const ms = typeof when === 'number' ? when : Date.parse(when);
  if (Number.isNaN(ms)) return String(when);
  const date = new Date(ms);
  const today = new Date(now);
  // A clock a little ahead of ours still reads as "just now", not as a date.
  if (sameDay(date, today) && ms <= now + 60_000) {
    return now - ms < 45_000 ? 'just now' : formatAgo(now - ms);
  }
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  const day = date.toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    ...(date.getFullYear() !== today.getFullYear() ? { year: 'numeric' } : {}),
  });
  return `${day} ${time}`;
}

/** The full local date and time, for a tooltip. */
export function formatFull(when: string | number): string {
  const ms = typeof when === 'number' ? when : Date.parse(when);
  return Number.isNaN(ms) ? String(when) : new Date(ms).toLocaleString();
}

/** `Date.now()`, updated every `intervalMs` while the component is shown. */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => {
      setNow(Date.now());
    }, intervalMs);
    return () => {
      clearInterval(timer);
    };
  }, [intervalMs]);
  return now;
}

/** The message of a thrown value. */
export function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
