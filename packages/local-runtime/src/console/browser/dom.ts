/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Small DOM helpers for the console's pages: element builders, formatting of dates, durations
 * and JSON, and the status / outcome badges (always icon + text + colour, never colour alone).
 */
import type { OutcomeRule, OutcomeTone } from '../profile';
import { consoleUrls, executionNamesOf } from '../urls';

export type Child = Node | string | number | null | undefined | false | readonly Child[];
type AttrValue = string | number | boolean | null | undefined | ((event: Event) => void);
export type Attrs = Record<string, AttrValue>;

function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces an element's children (null, undefined and false are left out). */
export function fill(element: Element, ...children: Child[]): void {
  element.replaceChildren();
  append(element, children);
}

function setAttrs(element: Element, attrs: Attrs | null | undefined): void {
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') {
      element.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
    } else element.setAttribute(key, value === true ? '' : String(value));
  }
}

/** An HTML element: `h('a', { href: '/' }, 'Home')`; `on*` attributes are listeners. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  setAttrs(element, attrs);
  append(element, children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element. */
export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  setAttrs(element, attrs);
  append(element, children);
  return element;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `2025-01-05 10:00:00.123` in the browser's time zone. */
export function formatDate(value: string | number | undefined): string {
  if (value === undefined) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
  );
}

/** `850 ms`, `1.2 s`, `2 min 3 s`, `1 h 2 min`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${Math.floor((ms % 60_000) / 1000)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** `in 59 min` / `3 min ago`. */
export function relative(ms: number, now = Date.now()): string {
  const delta = ms - now;
  const text = formatDuration(Math.abs(delta)).replace(/\.\d+ s$/, ' s');
  return delta >= 0 ? `in ${text}` : `${text} ago`;
}

export const formatCount = (n: number | undefined): string => (n ?? 0).toLocaleString('en-US');

/** Pretty-printed JSON text (or the text as it is when it is not JSON). */
export function prettyJson(text: string | undefined): string {
  if (text === undefined) return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A `<pre>` block of JSON, labelled for screen readers, scrollable and focusable by keyboard. */
export function jsonBlock(text: string | undefined, label: string): HTMLElement {
  if (text === undefined) return h('p', { class: 'muted' }, 'None');
  return h('pre', { class: 'json', tabindex: 0, 'aria-label': label }, prettyJson(text));
}

export interface Look {
  readonly icon: string;
  readonly label: string;
  readonly tone: OutcomeTone | 'running';
}

const STATUS_LOOKS: Record<string, Look> = {
  RUNNING: { icon: '◔', label: 'Running', tone: 'running' },
  SUCCEEDED: { icon: '✔', label: 'Succeeded', tone: 'success' },
  FAILED: { icon: '✖', label: 'Failed', tone: 'danger' },
  TIMED_OUT: { icon: '⊘', label: 'Timed out', tone: 'danger' },
  ABORTED: { icon: '■', label: 'Aborted', tone: 'warning' },
  PENDING_REDRIVE: { icon: '↻', label: 'Pending redrive', tone: 'info' },
};

export const statusLook = (status: string): Look =>
  STATUS_LOOKS[status] ?? { icon: '•', label: status, tone: 'neutral' };

export const STEP_LOOKS: Record<string, Look> = {
  succeeded: { icon: '✔', label: 'Succeeded', tone: 'success' },
  failed: { icon: '✖', label: 'Failed', tone: 'danger' },
  caught: { icon: '⚠', label: 'Caught error', tone: 'warning' },
  retried: { icon: '↻', label: 'Retried', tone: 'info' },
  running: { icon: '◔', label: 'In progress', tone: 'running' },
  aborted: { icon: '■', label: 'Stopped', tone: 'warning' },
  'not-reached': { icon: '○', label: 'Not reached', tone: 'neutral' },
};

/** A badge: icon (hidden from screen readers, the label says it) + label, coloured by tone. */
export function badge(look: Look, extra?: string): HTMLElement {
  return h(
    'span',
    { class: `badge tone-${look.tone}` },
    h('span', { class: 'badge-icon', 'aria-hidden': 'true' }, look.icon),
    h('span', { class: 'badge-label' }, look.label),
    extra ? h('span', { class: 'badge-extra' }, extra) : null,
  );
}

export const statusBadge = (status: string): HTMLElement => badge(statusLook(status));

export function outcomeLook(rules: readonly OutcomeRule[], id: string | undefined): Look | undefined {
  if (id === undefined) return undefined;
  if (id === 'none') return { icon: '–', label: 'No outcome (see status)', tone: 'neutral' };
  const rule = rules.find((r) => r.id === id);
  return rule ? { icon: rule.icon ?? '•', label: rule.label, tone: rule.tone ?? 'neutral' } : undefined;
}

/** The outcome cell: its badge (with the rule's description as a tooltip), or a dash while running. */
export function outcomeBadge(rules: readonly OutcomeRule[], id: string | undefined): HTMLElement {
  const look = outcomeLook(rules, id);
  if (!look)
    return h(
      'span',
      { class: 'muted' },
      h('span', { 'aria-hidden': 'true' }, '—'),
      h('span', { class: 'visually-hidden' }, 'not known yet'),
    );
  const element = badge(look);
  const description = rules.find((rule) => rule.id === id)?.description;
  if (description) element.title = description;
  element.dataset.outcome = id;
  return element;
}

/**
 * A long identifier (a CloudFormation name, an ARN, a key) with places the line may break at
 * (`<wbr>`), so that it wraps at natural points instead of anywhere. A name breaks after `-`, `_`,
 * `.`, `/`, `:` or `#`, and, in a part longer than 16 characters, where a lowercase letter meets a
 * capital or a digit: `PaymentWorkflow|StateMachine|19CA364F-|0qiJSMDrGLzf` (the short random
 * suffix stays whole). An ARN breaks after each `:`. The browser breaks there only when the text does
 * not fit; the text (and what is copied) is unchanged. Not for prose: a break inside a word would
 * win over the space before it.
 */
export function breakable(text: string, kind: 'name' | 'arn' = 'name'): Child[] {
  const parts =
    kind === 'arn'
      ? text.split(/(?<=:)(?=.)/)
      : text
          .split(/(?<=[-_./:#])(?=.)/)
          .flatMap((part) => (part.length > 16 ? part.split(/(?<=[a-z])(?=[A-Z0-9])/) : [part]));
  return parts.flatMap((part, index) => (index === 0 ? [part] : [document.createElement('wbr'), part]));
}

/**
 * One line for an error's cause: a Lambda error document's `errorType: errorMessage`, else the
 * first line of the text, at most 160 characters.
 */
export function causeSummary(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as { errorType?: unknown; errorMessage?: unknown };
    if (typeof parsed?.errorMessage === 'string') {
      const message = parsed.errorMessage.split('\n')[0] ?? '';
      return typeof parsed.errorType === 'string' && parsed.errorType !== ''
        ? `${parsed.errorType}: ${message}`
        : message;
    }
  } catch {
    // not JSON: its first line
  }
  const line = cause.trim().split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

/**
 * A cause's whole text in a `<pre>`: JSON pretty-printed, the text's own line breaks kept, long lines
 * wrapped at spaces and, in file paths, after a `/` (Chromium does not break there by itself, and
 * would break a path at its first `-` instead); never inside a word.
 */
export function causePre(cause: string, label?: string): HTMLElement {
  const parts = prettyJson(cause).split(/(?<=\/)(?=[^\s/])/);
  return h(
    'pre',
    { class: 'cause', tabindex: 0, 'aria-label': label },
    parts.flatMap((part, index) => (index === 0 ? [part] : [document.createElement('wbr'), part])),
  );
}

/**
 * A cause as a person reads it: the one-line summary, with the whole cause folded below it (JSON
 * pretty-printed, the text's own line breaks kept). A cause that is one short line is shown as it is.
 */
export function causeBlock(cause: string, label: string): HTMLElement {
  const summary = causeSummary(cause);
  const full = prettyJson(cause);
  if (full.trim() === summary) return h('p', { class: 'cause-summary' }, summary);
  return h(
    'div',
    { class: 'cause-block' },
    h('p', { class: 'cause-summary' }, summary),
    h(
      'details',
      { class: 'cause-details', 'data-key': `cause:${label}` },
      h('summary', null, 'Full cause'),
      causePre(cause, label),
    ),
  );
}

/** A link that the app's router follows without reloading the page. */
export const link = (href: string, ...children: Child[]): HTMLAnchorElement => h('a', { href }, ...children);

/** The console's page paths (from the root), as projects build them with `consoleUrls(baseUrl)`. */
export const urls = consoleUrls('');

/** Machine and execution names from an execution ARN (`...:execution:<machine>:<name>`). */
export function namesOfExecutionArn(arn: string): { machine: string; execution: string } | undefined {
  try {
    const names = executionNamesOf(arn);
    return { machine: names.stateMachine, execution: names.execution };
  } catch {
    return undefined;
  }
}
