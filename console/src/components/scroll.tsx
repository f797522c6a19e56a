import type { ComponentChildren } from 'preact';

/** A region that scrolls sideways on narrow screens (wide tables), reachable and scrollable with the keyboard. */
export function Scroll(props: { label: string; children: ComponentChildren }) {
  return <div class="scroll" role="region" aria-label={props.label} tabIndex={0}>{props.children}</div>;
}
