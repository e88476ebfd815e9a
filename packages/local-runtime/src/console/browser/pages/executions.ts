/// <reference lib="dom" />
/**
 * The executions of one state machine, newest first: filters by status and outcome, paging with
 * ListExecutions tokens, live refresh of the page shown, and the Start execution form.
 */
import type { ExecutionPage, ExecutionRow } from '../../api-types';
import { EXECUTION_STATUSES } from '../../profile';
import { api } from '../api';
import { errorBox, type Page, type PageContext, replacePreservingFocus } from '../app';
import {
  badge,
  breakable,
  fill,
  formatCount,
  formatDate,
  formatDuration,
  h,
  outcomeBadge,
  outcomeLook,
  statusBadge,
  statusLook,
  urls,
} from '../dom';

/** Where a JSON parse error is, as `line L, column C`, from V8's `position N`. */
export function jsonError(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    if (!position || /line \d+ column \d+/.test(message)) return message;
    const before = text.slice(0, Number(position[1]));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    return `${message} (line ${line}, column ${column})`;
  }
}

const PREFILL_KEY = 'sfn-console:prefill';

/** Remembers an input for the Start execution form of the next page (the "New execution" action). */
export function prefillStart(input: string): void {
  sessionStorage.setItem(PREFILL_KEY, input);
}

export async function executionsPage(context: PageContext): Promise<Page> {
  const { config, url } = context;
  const machineName = context.params[0] ?? '';
  const rules = config.profile.outcomes ?? [];
  const status = url.searchParams.get('status') ?? '';
  const outcome = url.searchParams.get('outcome') ?? '';
  const token = url.searchParams.get('token') ?? '';
  const pageNumber = Math.max(1, Number(url.searchParams.get('page') ?? '1') || 1);
  const tokensKey = `sfn-console:tokens:${machineName}:${status}:${outcome}`;
  const tokens = JSON.parse(sessionStorage.getItem(tokensKey) ?? '{}') as Record<string, string>;
  if (token) tokens[pageNumber] = token;
  sessionStorage.setItem(tokensKey, JSON.stringify(tokens));

  context.setTitle(machineName, [{ label: 'State machines', href: '/' }, { label: machineName }]);
  let data: ExecutionPage = await api.executions(machineName, { status, outcome, token });
  const machine = data.machine;

  const href = (params: Record<string, string | number | undefined>) => {
    const search = new URLSearchParams();
    const merged = { status, outcome, ...params };
    for (const [key, value] of Object.entries(merged))
      if (value !== undefined && value !== '') search.set(key, String(value));
    const text = search.toString();
    return `${urls.stateMachine(machineName)}${text ? `?${text}` : ''}`;
  };

  // --- filters -----------------------------------------------------------------------------------
  const filterSelect = (id: string, label: string, value: string, options: readonly [string, string][]) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: id }, label),
      h(
        'select',
        {
          id,
          onchange: (event: Event) => {
            const select = event.target as HTMLSelectElement;
            context.navigate(
              href({
                [id === 'filter-status' ? 'status' : 'outcome']: select.value,
                token: undefined,
                page: undefined,
              }),
              {
                keepFocus: true,
              },
            );
          },
        },
        options.map(([optionValue, text]) =>
          h('option', { value: optionValue, selected: optionValue === value }, text),
        ),
      ),
    );
  const filters = h(
    'form',
    {
      class: 'filters',
      'aria-label': 'Filter executions',
      onsubmit: (event: Event) => event.preventDefault(),
    },
    filterSelect('filter-status', 'Status', status, [
      ['', 'All statuses'],
      ...EXECUTION_STATUSES.filter((s) => s !== 'PENDING_REDRIVE').map((s): [string, string] => [
        s,
        statusLook(s).label,
      ]),
    ]),
    rules.length > 0
      ? filterSelect('filter-outcome', 'Outcome', outcome, [
          ['', 'All outcomes'],
          ...rules.map((rule): [string, string] => [rule.id, `${rule.icon ?? ''} ${rule.label}`.trim()]),
          ['none', 'No outcome (by status only)'],
        ])
      : null,
    status || outcome
      ? h('a', { href: urls.stateMachine(machineName), class: 'clear' }, 'Clear filters')
      : null,
  );

  // --- start form ----------------------------------------------------------------------------------
  const prefill = sessionStorage.getItem(PREFILL_KEY);
  sessionStorage.removeItem(PREFILL_KEY);
  const nameInput = h('input', {
    id: 'start-name',
    name: 'name',
    type: 'text',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'start-name-help',
  });
  const inputArea = h('textarea', {
    id: 'start-input',
    name: 'input',
    rows: 8,
    spellcheck: 'false',
    'aria-describedby': 'start-input-help start-input-error',
  });
  inputArea.value = prefill ?? '{\n  \n}';
  const inputError = h('p', { id: 'start-input-error', class: 'field-error', hidden: true });
  const formError = h('div', { id: 'start-error', role: 'alert' });
  const check = () => {
    const problem = jsonError(inputArea.value);
    inputArea.setAttribute('aria-invalid', problem ? 'true' : 'false');
    inputError.hidden = !problem;
    inputError.replaceChildren(
      problem ? h('span', null, h('span', { 'aria-hidden': 'true' }, '✖ '), 'Not valid JSON: ', problem) : '',
    );
    return problem;
  };
  inputArea.addEventListener('input', check);
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'primary',
      id: 'start-toggle',
      'aria-expanded': 'false',
      'aria-controls': 'start-form',
    },
    'Start execution',
  );
  const submit = h('button', { type: 'submit', class: 'primary', id: 'start-submit' }, 'Start');
  const form = h(
    'form',
    {
      id: 'start-form',
      class: 'panel start-form',
      hidden: true,
      'aria-labelledby': 'start-heading',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        formError.replaceChildren();
        if (check()) {
          inputArea.focus();
          return;
        }
        submit.disabled = true;
        try {
          const started = await api.start(machineName, {
            name: nameInput.value.trim() || undefined,
            input: inputArea.value,
          });
          context.announce(`Started execution ${started.name}`);
          context.navigate(urls.execution(machineName, started.name));
        } catch (error) {
          formError.replaceChildren(errorBox(error));
          submit.disabled = false;
        }
      },
    },
    h('h2', { id: 'start-heading' }, 'Start execution'),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'start-name' }, 'Name ', h('span', { class: 'muted' }, '(optional)')),
      nameInput,
      h(
        'p',
        { id: 'start-name-help', class: 'help' },
        'Left empty, Step Functions gives the execution a UUID.',
      ),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'start-input' }, 'Input (JSON)'),
      inputArea,
      h(
        'p',
        { id: 'start-input-help', class: 'help' },
        'Checked as you type; it must be valid JSON to start.',
      ),
      inputError,
    ),
    formError,
    h(
      'div',
      { class: 'actions' },
      submit,
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            form.hidden = true;
            toggle.setAttribute('aria-expanded', 'false');
            toggle.focus();
          },
        },
        'Cancel',
      ),
    ),
  );
  const openForm = () => {
    form.hidden = false;
    toggle.setAttribute('aria-expanded', 'true');
    check();
    inputArea.focus();
  };
  toggle.addEventListener('click', () => {
    if (form.hidden) openForm();
    else {
      form.hidden = true;
      toggle.setAttribute('aria-expanded', 'false');
    }
  });

  // --- counts, table, pager ------------------------------------------------------------------------
  const countsLine = () => {
    const m = data.machine;
    if (m.type === 'EXPRESS') {
      return h(
        'p',
        { class: 'note', id: 'counts' },
        'Express state machine: its executions keep no history, so there is nothing to list (as on AWS). Start one with StartSyncExecution.',
      );
    }
    return h(
      'p',
      { class: 'counts', id: 'counts' },
      `${formatCount(m.total)} executions`,
      ...(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const)
        .filter((s) => (m.counts?.[s] ?? 0) > 0)
        .map((s) => [
          ' · ',
          h(
            'a',
            { href: href({ status: s, outcome: '', token: undefined, page: undefined }), class: 'plain' },
            badge(statusLook(s), formatCount(m.counts?.[s])),
          ),
        ]),
    );
  };

  const rowsOf = (rows: readonly ExecutionRow[]) =>
    rows.map((row) => {
      const end = row.stopDate ? Date.parse(row.stopDate) : Date.now();
      return h(
        'tr',
        { 'data-execution': row.name, 'data-status': row.status, 'data-outcome': row.outcome ?? '' },
        h(
          'th',
          { scope: 'row' },
          h('a', { href: urls.execution(machineName, row.name), 'data-key': `e:${row.name}` }, row.name),
        ),
        h('td', null, statusBadge(row.status)),
        rules.length > 0 ? h('td', null, outcomeBadge(rules, row.outcome)) : null,
        h('td', null, h('time', { datetime: row.startDate ?? '' }, formatDate(row.startDate))),
        h('td', { class: 'num' }, row.startDate ? formatDuration(end - Date.parse(row.startDate)) : '—'),
      );
    });

  const table = () =>
    h(
      'table',
      { class: 'data', id: 'executions' },
      h('caption', { class: 'visually-hidden' }, `Executions of ${machineName}, newest first`),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, 'Name'),
          h('th', { scope: 'col' }, 'Status'),
          rules.length > 0 ? h('th', { scope: 'col' }, 'Outcome') : null,
          h('th', { scope: 'col' }, 'Started'),
          h('th', { scope: 'col', class: 'num' }, 'Duration'),
        ),
      ),
      h(
        'tbody',
        null,
        data.executions.length === 0
          ? h(
              'tr',
              null,
              h(
                'td',
                { colspan: rules.length > 0 ? 5 : 4 },
                status || outcome
                  ? 'No executions match these filters.'
                  : 'No executions yet. Start one with the button above.',
              ),
            )
          : rowsOf(data.executions),
      ),
    );

  const classification = () => {
    const c = data.classification;
    return c
      ? h(
          'p',
          { class: 'note', id: 'page-note' },
          h('span', { 'aria-hidden': 'true' }, 'ℹ '),
          `Outcomes read so far for ${formatCount(c.classified)} of ${formatCount(c.finished)} finished executions; the list grows as the rest are read.`,
        )
      : h('p', { class: 'note', id: 'page-note', hidden: true });
  };

  const pager = () => {
    const previous =
      pageNumber > 1
        ? href({ token: tokens[pageNumber - 1], page: pageNumber - 1 > 1 ? pageNumber - 1 : undefined })
        : undefined;
    const next = data.nextToken ? href({ token: data.nextToken, page: pageNumber + 1 }) : undefined;
    return h(
      'nav',
      { class: 'pager', 'aria-label': 'Pages of executions', id: 'pager' },
      previous
        ? h('a', { href: previous, rel: 'prev', 'data-key': 'prev' }, '← Newer')
        : h('span', { class: 'muted', 'aria-hidden': 'true' }, '← Newer'),
      h('span', null, `Page ${pageNumber}`),
      next
        ? h('a', { href: next, rel: 'next', 'data-key': 'next' }, 'Older →')
        : h('span', { class: 'muted', 'aria-hidden': 'true' }, 'Older →'),
    );
  };

  let countsElement = countsLine();
  let tableElement = table();
  let noteElement = classification();
  let pagerElement = pager();
  fill(
    context.main,
    h(
      'div',
      { class: 'title-row' },
      h('h1', { tabindex: -1 }, breakable(machineName)),
      h('span', { class: 'type-tag' }, machine.type === 'EXPRESS' ? 'Express' : 'Standard'),
    ),
    h(
      'div',
      { class: 'toolbar' },
      machine.type === 'EXPRESS' ? null : toggle,
      machine.hasRecords
        ? h(
            'a',
            { href: urls.records(machineName), class: 'button-link' },
            config.profile.records?.title ?? 'Idempotency records',
          )
        : null,
    ),
    form,
    countsElement,
    machine.type === 'EXPRESS' ? null : filters,
    outcome && outcomeLook(rules, outcome)
      ? h(
          'p',
          { class: 'muted' },
          'Showing ',
          badge(outcomeLook(rules, outcome) ?? { icon: '', label: outcome, tone: 'neutral' }),
          rules.find((r) => r.id === outcome)?.description
            ? ` — ${rules.find((r) => r.id === outcome)?.description}`
            : '',
        )
      : null,
    noteElement,
    machine.type === 'EXPRESS' ? null : h('div', { class: 'table-wrap' }, tableElement),
    machine.type === 'EXPRESS' ? null : pagerElement,
  );
  if (url.searchParams.get('start') === '1' || prefill !== null) openForm();

  return {
    // Only what is shown is read again: the first page (new executions arrive there), a page with
    // running executions, or outcomes still being read.
    live: () =>
      machine.type !== 'EXPRESS' &&
      (pageNumber === 1 ||
        data.executions.some((row) => row.status === 'RUNNING') ||
        data.classification !== undefined),
    async refresh() {
      data = await api.executions(machineName, { status, outcome, token });
      if (context.signal.aborted) return;
      const nextCounts = countsLine();
      countsElement.replaceWith(nextCounts);
      countsElement = nextCounts;
      const nextTable = table();
      replacePreservingFocus(tableElement, nextTable);
      tableElement = nextTable;
      const nextNote = classification();
      noteElement.replaceWith(nextNote);
      noteElement = nextNote;
      const nextPager = pager();
      replacePreservingFocus(pagerElement, nextPager);
      pagerElement = nextPager;
    },
  };
}
