/** Past runs (being built). */
export function HistoryView() {
  return <div className="history-view" data-testid="history" />;
}
