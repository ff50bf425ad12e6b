/** The broker's workers (being built). */
export function WorkersView() {
  return <div className="workers-view" data-testid="workers" />;
}
