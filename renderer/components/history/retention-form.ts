/**
 * The Keep history form as data: the settings it starts from, what the typed
 * text means (or why it cannot be saved), and the words for settings and for
 * what a clean-up removed. The host checks the same limits
 * (`app/runs/retention-settings.ts`) and names any field it refuses.
 */
import type { PruneReportData, RetentionSettingsData } from '../../../app/contract/results';

/** The most runs per flow, and days, the host accepts. */
export const MAX_KEEP_LAST = 1_000_000;
export const MAX_AGE_DAYS = 36_500;

/** What is on the form: each limit on or off, and its number as typed. */
export interface RetentionForm {
  readonly keepLastOn: boolean;
  readonly keepLast: string;
  readonly maxAgeOn: boolean;
  readonly maxAgeDays: string;
}

/** The form for stored settings; a limit that is off shows a value to start from. */
export function formOf(settings: RetentionSettingsData): RetentionForm {
  return {
    keepLastOn: settings.keepLast !== undefined,
    keepLast: String(settings.keepLast ?? 50),
    maxAgeOn: settings.maxAgeDays !== undefined,
    maxAgeDays: String(settings.maxAgeDays ?? 30),
  };
}

function wholeNumber(text: string, max: number, unit: string): number | string {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return `Enter a whole number of ${unit}`;
  const n = Number(t);
  if (n < 1) return `At least 1 ${unit.replace(/s$/, '')}`;
  if (n > max) return `At most ${max.toLocaleString('en')} ${unit}`;
  return n;
}

/** The settings the form means, or the problem of each field that is on and cannot be saved. */
export function readForm(
  form: RetentionForm,
):
  | { readonly ok: true; readonly settings: RetentionSettingsData }
  | { readonly ok: false; readonly problems: { keepLast?: string; maxAgeDays?: string } } {
  const keepLast = form.keepLastOn ? wholeNumber(form.keepLast, MAX_KEEP_LAST, 'runs') : undefined;
  const maxAgeDays = form.maxAgeOn ? wholeNumber(form.maxAgeDays, MAX_AGE_DAYS, 'days') : undefined;
  if (typeof keepLast === 'string' || typeof maxAgeDays === 'string') {
    return {
      ok: false,
      problems: {
        ...(typeof keepLast === 'string' ? { keepLast } : {}),
        ...(typeof maxAgeDays === 'string' ? { maxAgeDays } : {}),
      },
    };
  }
  return {
    ok: true,
    settings: {
      ...(keepLast !== undefined ? { keepLast } : {}),
      ...(maxAgeDays !== undefined ? { maxAgeDays } : {}),
    },
  };
}

/** `Last 20 runs of each flow · 30 days`, or `Every run is kept`. */
export function describeSettings(settings: RetentionSettingsData): string {
  const parts: string[] = [];
  if (settings.keepLast !== undefined) parts.push(`Last ${String(settings.keepLast)} runs of each flow`);
  if (settings.maxAgeDays !== undefined) parts.push(`${String(settings.maxAgeDays)} days`);
  return parts.length === 0 ? 'Every run is kept' : parts.join(' · ');
}

/** `512 B`, `3.4 KiB`, `12.0 MiB`, `1.20 GiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${String(bytes)} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

/** `Removed 12 runs and freed 3.4 MiB`. */
export function describePrune(report: PruneReportData): string {
  const runs = `${String(report.runs)} run${report.runs === 1 ? '' : 's'}`;
  return `Removed ${runs} and freed ${formatBytes(report.bytesFreed)}`;
}
