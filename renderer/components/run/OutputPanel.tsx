/** The selected task's output, result and failure, and the run's summary (being built). */
export function OutputPanel() {
  return <div className="output-panel" data-testid="output" />;
}
