/** The run's timeline (being built). */
export function TimelinePanel() {
  return <div className="timeline-panel" data-testid="timeline" />;
}
