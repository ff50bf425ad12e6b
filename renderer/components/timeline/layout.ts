/** The timeline panel's fixed measures, in px (the CSS uses the same numbers). */

/** The names column, left of the chart. */
export const NAMES_WIDTH = 200;
/** The time axis above the rows. */
export const AXIS_HEIGHT = 24;
/** Room right of the run's end, so the last bar does not touch the edge. */
export const RIGHT_PAD = 16;
/** Indentation per nested group in the names column. */
export const INDENT_PX = 12;
/** A bar is at least this wide, so an instant task still shows. */
export const MIN_BAR_PX = 2;
/** Bars this far outside the view are not drawn (nor are their off-screen parts). */
export const OFFSCREEN_PX = 400;
