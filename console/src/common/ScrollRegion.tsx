import type { ReactNode } from 'react';

/**
 * A wide table that scrolls sideways on a narrow screen: the scrolling box can take the keyboard
 * focus and is named, so a keyboard user can scroll it too (axe `scrollable-region-focusable`).
 */
export function ScrollRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box must be reachable from the keyboard
    <section className="scroll-region" tabIndex={0} aria-label={label}>
      {children}
    </section>
  );
}
