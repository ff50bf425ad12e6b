/**
 * `--json`: one JSON object per line, exactly the fields the CLI documents:
 * `flow` {state}, `atom` {name, atom, state, ts}, `progress` {name, progress},
 * `log` {name, stream, text}, and last `end` {runId, state, results}.
 */
import type { RunEvent } from '../../../app/runs/index.js';

/** The JSON line object of a run event. */
export function jsonLineOf(event: RunEvent): Record<string, unknown> {
  switch (event.type) {
    case 'flow':
      return { type: 'flow', state: event.state };
    case 'atom':
      return { type: 'atom', name: event.name, atom: event.atom, state: event.state, ts: event.ts };
    case 'progress':
      return { type: 'progress', name: event.name, progress: event.progress };
    case 'log':
      return { type: 'log', name: event.name, stream: event.stream, text: event.text };
    case 'end':
      return { type: 'end', runId: event.runId, state: event.state, results: event.results };
  }
}

/** Writes each event as a JSON line. */
export class JsonLinesReporter {
  constructor(private readonly write: (text: string) => void) {}

  event(event: RunEvent): void {
    this.write(`${JSON.stringify(jsonLineOf(event))}\n`);
  }

  close(): void {
    // Nothing buffered.
  }
}
