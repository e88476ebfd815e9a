/// <reference lib="dom" />
/**
 * The console's single-page app: real URLs through the history API (so back, forward, reload and
 * links work), one page at a time, refreshed every `refreshMs` while it can change and the tab is
 * visible. Pages: state machines, executions of one, one execution, records, one record.
 */
import { consoleTitle } from '../profile';
import { readConfig } from './api';
import { type Crumb, errorBox, type Page, type PageContext } from './app';
import { breakable, h } from './dom';
import { executionPage } from './pages/execution';
import { executionsPage } from './pages/executions';
import { machinesPage } from './pages/machines';
import { recordPage, recordsPage } from './pages/records';

type Factory = (context: PageContext) => Promise<Page>;

const ROUTES: readonly (readonly [RegExp, Factory])[] = [
  [/^\/$/, machinesPage],
  [/^\/state-machines\/([^/]+)\/?$/, executionsPage],
  [/^\/state-machines\/([^/]+)\/executions\/([^/]+)\/?$/, executionPage],
  [/^\/state-machines\/([^/]+)\/records\/?$/, recordsPage],
  [/^\/state-machines\/([^/]+)\/records\/([^/]+)\/?$/, recordPage],
];

const config = readConfig();
const main = document.getElementById('main') as HTMLElement;
const breadcrumbs = document.getElementById('breadcrumbs') as HTMLElement;
const announcer = document.getElementById('announcer') as HTMLElement;

let controller: AbortController | undefined;
let page: Page | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let generation = 0;

function announce(text: string): void {
  announcer.textContent = '';
  // A change of text in a live region is what screen readers read out.
  setTimeout(() => {
    announcer.textContent = text;
  }, 50);
}

function setTitle(title: string, crumbs: readonly Crumb[]): void {
  document.title = `${title} · ${consoleTitle(config.profile.name)}`;
  breadcrumbs.replaceChildren(
    h(
      'ol',
      null,
      crumbs.map((crumb, index) =>
        h(
          'li',
          null,
          crumb.href && index < crumbs.length - 1
            ? h('a', { href: crumb.href }, breakable(crumb.label))
            : h('span', { 'aria-current': 'page' }, breakable(crumb.label)),
        ),
      ),
    ),
  );
}

function schedule(): void {
  clearTimeout(timer);
  timer = setTimeout(async () => {
    const current = page;
    if (current?.refresh && current.live?.() !== false && document.visibilityState === 'visible') {
      try {
        await current.refresh();
      } catch {
        // The next tick tries again; a page that cannot refresh keeps what it shows.
      }
    }
    if (current === page) schedule();
  }, config.refreshMs);
}

async function render(options: { focus: boolean; keepFocus?: boolean }): Promise<void> {
  controller?.abort();
  controller = new AbortController();
  const mine = ++generation;
  clearTimeout(timer);
  page = undefined;
  const url = new URL(window.location.href);
  const focusedId = options.keepFocus ? (document.activeElement as HTMLElement | null)?.id : undefined;
  main.setAttribute('aria-busy', 'true');
  const context: PageContext = {
    config,
    main,
    url,
    params: [],
    signal: controller.signal,
    navigate,
    setTitle,
    announce,
  };
  const route = ROUTES.map(([pattern, factory]) => [pattern.exec(url.pathname), factory] as const).find(
    ([match]) => match !== null,
  );
  try {
    if (!route) {
      setTitle('Not found', [{ label: 'State machines', href: '/' }, { label: 'Not found' }]);
      main.replaceChildren(
        h('h1', { tabindex: -1 }, 'Page not found'),
        h(
          'p',
          null,
          'There is no console page at ',
          h('code', null, url.pathname),
          '. ',
          h('a', { href: '/' }, 'Go to the state machines'),
          '.',
        ),
      );
    } else {
      const [match, factory] = route;
      const params = (match?.slice(1) ?? []).map((part) => decodeURIComponent(part));
      const built = await factory({ ...context, params });
      if (mine !== generation) return;
      page = built;
    }
  } catch (error) {
    if (mine !== generation) return;
    main.replaceChildren(
      h('h1', { tabindex: -1 }, 'Could not load this page'),
      errorBox(error, url.pathname + url.search),
    );
  }
  main.setAttribute('aria-busy', 'false');
  if (focusedId) document.getElementById(focusedId)?.focus();
  else if (options.focus) main.querySelector<HTMLElement>('h1')?.focus();
  if (page?.refresh) schedule();
}

function navigate(href: string, options: { replace?: boolean; keepFocus?: boolean } = {}): void {
  const target = new URL(href, window.location.href);
  if (options.replace) window.history.replaceState(null, '', target);
  else window.history.pushState(null, '', target);
  void render({ focus: !options.keepFocus, keepFocus: options.keepFocus });
}

// Same-origin links are followed by the router; a modified click (new tab) is left to the browser.
document.addEventListener('click', (event) => {
  if (
    event.defaultPrevented ||
    event.button !== 0 ||
    event.metaKey ||
    event.ctrlKey ||
    event.shiftKey ||
    event.altKey
  ) {
    return;
  }
  const anchor = (event.target as Element | null)?.closest?.('a');
  if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
  const url = new URL(anchor.href, window.location.href);
  if (
    url.origin !== window.location.origin ||
    url.pathname.startsWith('/api/') ||
    url.pathname.startsWith('/assets/')
  ) {
    return;
  }
  if (anchor.getAttribute('href')?.startsWith('#')) return; // in-page anchors (the skip link)
  event.preventDefault();
  navigate(url.pathname + url.search, { keepFocus: anchor.dataset.keepFocus === 'true' });
});

window.addEventListener('popstate', () => void render({ focus: true }));
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && page?.refresh) schedule();
});

void render({ focus: false });
