/**
 * Keep history: a toolbar button of the history opening a small form for the
 * retention settings (keep the last N runs of each flow, delete runs older
 * than D days), saved to the host's run store, and applied at once when
 * asked. Reading and saving go through the retention store (state/retention).
 */
import { useId, useState } from 'react';
import type { RetentionSettingsData } from '../../../app/contract/results';
import { loadRetention, saveRetention, useRetention } from '../../state/retention';
import { describePrune, describeSettings, formOf, readForm, type RetentionForm } from './retention-form';
import { usePopover } from '../use-popover';

/** One limit: a checkbox turning it on, its number, and the field's problem if any. */
function LimitField(props: {
  readonly testId: string;
  readonly before: string;
  readonly after: string;
  readonly on: boolean;
  readonly value: string;
  readonly problem: string | undefined;
  readonly onToggle: (on: boolean) => void;
  readonly onValue: (text: string) => void;
}) {
  const id = useId();
  return (
    <div className="hist-keep-row">
      <label className="hist-keep-check">
        <input
          type="checkbox"
          checked={props.on}
          data-testid={`${props.testId}-on`}
          onChange={(e) => {
            props.onToggle(e.target.checked);
          }}
        />
        {props.before}
      </label>
      <input
        type="text"
        inputMode="numeric"
        className={`hist-input hist-keep-number${props.problem !== undefined ? ' is-invalid' : ''}`}
        aria-label={`${props.before} (${props.after})`}
        aria-invalid={props.problem !== undefined}
        aria-describedby={props.problem !== undefined ? id : undefined}
        disabled={!props.on}
        value={props.value}
        data-testid={props.testId}
        onChange={(e) => {
          props.onValue(e.target.value);
        }}
      />
      <span>{props.after}</span>
      {props.problem !== undefined && (
        <span className="hist-keep-problem" id={id} data-testid={`${props.testId}-problem`}>
          {props.problem}
        </span>
      )}
    </div>
  );
}

/** The stored settings once read (or why they could not be), then the form on them. */
function KeepHistoryPanel({ onPruned }: { readonly onPruned: () => void }) {
  const settings = useRetention((s) => s.settings);
  const error = useRetention((s) => s.error);
  if (settings === undefined) {
    return error !== undefined ? (
      <p className="hist-keep-error" role="alert">
        Could not read the settings: {error}
      </p>
    ) : (
      <p className="hist-keep-note" role="status">
        Reading the settings…
      </p>
    );
  }
  return <KeepHistoryForm initial={settings} onPruned={onPruned} />;
}

/** The form, starting from the settings read when the panel opened. */
function KeepHistoryForm({
  initial,
  onPruned,
}: {
  readonly initial: RetentionSettingsData;
  readonly onPruned: () => void;
}) {
  const { settings, busy, error, fieldErrors, lastPrune } = useRetention();
  const [form, setForm] = useState<RetentionForm>(() => formOf(initial));

  const read = readForm(form);
  const problems = read.ok ? {} : read.problems;
  const change = (patch: Partial<RetentionForm>) => {
    setForm({ ...form, ...patch });
  };
  const save = (applyNow: boolean) => {
    if (!read.ok) return;
    void saveRetention(read.settings, applyNow).then((r) => {
      if (r.pruned !== undefined) onPruned();
    });
  };

  return (
    <form
      className="hist-keep-form"
      onSubmit={(e) => {
        e.preventDefault();
        save(false);
      }}
    >
      <LimitField
        testId="keep-last"
        before="Keep the last"
        after="runs of each flow"
        on={form.keepLastOn}
        value={form.keepLast}
        problem={problems.keepLast ?? fieldErrors.keepLast}
        onToggle={(keepLastOn) => {
          change({ keepLastOn });
        }}
        onValue={(keepLast) => {
          change({ keepLast });
        }}
      />
      <LimitField
        testId="max-age-days"
        before="Delete runs older than"
        after="days"
        on={form.maxAgeOn}
        value={form.maxAgeDays}
        problem={problems.maxAgeDays ?? fieldErrors.maxAgeDays}
        onToggle={(maxAgeOn) => {
          change({ maxAgeOn });
        }}
        onValue={(maxAgeDays) => {
          change({ maxAgeDays });
        }}
      />
      <p className="hist-keep-note">
        Only finished runs (succeeded, reverted, failed, cancelled) are removed; running, suspended and
        interrupted runs are always kept. Applied when the app starts and after each run.
      </p>
      {error !== undefined && (
        <p className="hist-keep-error" role="alert">
          {error}
        </p>
      )}
      <div className="hist-keep-actions">
        <span className="hist-keep-note" data-testid="keep-current">
          Now: {settings !== undefined ? describeSettings(settings) : ''}
        </span>
        <span className="hist-spacer" />
        <button
          type="submit"
          className="hist-button"
          disabled={!read.ok || busy !== undefined}
          data-testid="keep-save"
        >
          Save
        </button>
        <button
          type="button"
          className="hist-button hist-button-primary"
          disabled={!read.ok || busy !== undefined}
          data-testid="keep-apply"
          title="Save, then remove now the runs these settings do not keep"
          onClick={() => {
            save(true);
          }}
        >
          {busy === 'pruning' ? 'Cleaning up…' : 'Save and clean up now'}
        </button>
      </div>
      {lastPrune !== undefined && (
        <p className="hist-keep-note" role="status" data-testid="keep-result">
          {describePrune(lastPrune)}
        </p>
      )}
    </form>
  );
}

/**
 * The Keep history button and its popover (closed by Escape, a click outside,
 * or the button). `onPruned` is called after a clean-up, to show the history anew.
 */
export function KeepHistory({ onPruned }: { readonly onPruned: () => void }) {
  const { open, setOpen, root, panelId } = usePopover();

  return (
    <div className="hist-keep" ref={root}>
      <button
        type="button"
        className="hist-button"
        aria-expanded={open}
        aria-controls={panelId}
        data-testid="history-keep"
        title="How many runs the history keeps"
        onClick={() => {
          // Read on opening (not with the history, nor from before): the CLI or another window may change them.
          if (!open) void loadRetention();
          setOpen(!open);
        }}
      >
        Keep history…
      </button>
      {open && (
        <div className="hist-keep-popover" id={panelId} role="dialog" aria-label="Keep history">
          <KeepHistoryPanel onPruned={onPruned} />
        </div>
      )}
    </div>
  );
}
