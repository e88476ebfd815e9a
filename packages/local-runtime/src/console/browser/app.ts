/// <reference lib="dom" />
/** What every page gets from the router, and what it gives back. */
import type { ConsoleConfig } from '../api-types';
import { type Child, h } from './dom';

export interface Crumb {
  readonly label: string;
  readonly href?: string;
}

export interface PageContext {
  readonly config: ConsoleConfig;
  readonly main: HTMLElement;
  readonly url: URL;
  /** The route's captured path segments, decoded. */
  readonly params: readonly string[];
  /** Aborted when the person leaves the page. */
  readonly signal: AbortSignal;
  /** Goes to an app URL (pushState), or replaces the current one. */
  navigate(href: string, options?: { replace?: boolean; keepFocus?: boolean }): void;
  /** Sets the document title, the breadcrumbs and the page's heading. */
  setTitle(title: string, crumbs: readonly Crumb[]): void;
  /** Says something to screen readers (a polite live region). */
  announce(text: string): void;
}

export interface Page {
  /** Whether the page shows something that can still change (it is then refreshed). */
  live?(): boolean;
  /** Reads the page's data again and updates it in place. */
  refresh?(): Promise<void>;
}

/** Replaces `target` with `next`, keeping keyboard focus on the element with the same `data-key`. */
export function replacePreservingFocus(target: Element, next: Element): void {
  const active = document.activeElement as HTMLElement | null;
  const key = active && target.contains(active) ? active.dataset.key : undefined;
  const open = [...target.querySelectorAll<HTMLElement>('[data-key][aria-expanded="true"]')].map(
    (element) => element.dataset.key,
  );
  target.replaceWith(next);
  for (const openKey of open) {
    const toggle = next.querySelector<HTMLElement>(`[data-key="${CSS.escape(openKey ?? '')}"]`);
    if (toggle && toggle.getAttribute('aria-expanded') === 'false') toggle.click();
  }
  if (key) next.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`)?.focus();
}

/** The standard error box of a page that could not load. */
export function errorBox(error: unknown, retryHref?: string): HTMLElement {
  const e = error as Error;
  return h(
    'div',
    { class: 'error-box', role: 'alert' },
    h(
      'h2',
      null,
      h('span', { 'aria-hidden': 'true' }, '✖ '),
      e.name && e.name !== 'Error' ? e.name : 'Something went wrong',
    ),
    h('p', null, e.message ?? String(error)),
    retryHref ? h('p', null, h('a', { href: retryHref }, 'Try again')) : null,
  );
}

/**
 * A labelled definition list from [term, value] pairs (pairs with an undefined value are left out);
 * a third item is the pair's class (`wide`: two columns, for an ARN or a long name).
 */
export function details(
  pairs: readonly (readonly [string, Child, string?])[],
  className = 'facts',
): HTMLElement {
  return h(
    'dl',
    { class: className },
    pairs
      .filter(([, value]) => value !== undefined && value !== null && value !== false)
      .map(([term, value, pairClass]) =>
        h('div', pairClass ? { class: pairClass } : null, h('dt', null, term), h('dd', null, value)),
      ),
  );
}
