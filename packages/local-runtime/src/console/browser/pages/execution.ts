/// <reference lib="dom" />
/**
 * One execution, as the AWS console's execution details page: the summary, input and output, and
 * three views: graph (with the step panel), table (one row per state entered) and events (the
 * history). Running executions refresh; a running one can be stopped.
 */
import type { StepVisit } from '../../analysis';
import type { ExecutionDetail } from '../../api-types';
import { graphOf } from '../../graph';
import { api } from '../api';
import { details, errorBox, type Page, type PageContext } from '../app';
import {
  badge,
  breakable,
  causeBlock,
  causePre,
  causeSummary,
  fill,
  formatDate,
  formatDuration,
  h,
  jsonBlock,
  outcomeBadge,
  STEP_LOOKS,
  statusBadge,
  urls,
} from '../dom';
import { graphView, scrollGraphToPath } from '../graph-view';
import { prefillStart } from './executions';

type View = 'graph' | 'table' | 'events';
const VIEWS: readonly [View, string][] = [
  ['graph', 'Graph view'],
  ['table', 'Table view'],
  ['events', 'Event view'],
];

/** The state names of each branch of a Parallel state, or of a Map state's item processor. */
function branchesOf(state: Record<string, unknown> | undefined): string[][] {
  if (!state) return [];
  const processors = Array.isArray(state.Branches)
    ? state.Branches
    : state.ItemProcessor || state.Iterator
      ? [state.ItemProcessor ?? state.Iterator]
      : [];
  return processors.map((processor) =>
    Object.keys(
      ((processor as { States?: Record<string, unknown> })?.States ?? {}) as Record<string, unknown>,
    ),
  );
}

const stepBadge = (visit: Pick<StepVisit, 'status'>) =>
  badge(STEP_LOOKS[visit.status] ?? { icon: '•', label: visit.status, tone: 'neutral' });

export async function executionPage(context: PageContext): Promise<Page> {
  const { config, url } = context;
  const [machineName = '', executionName = ''] = context.params;
  const rules = config.profile.outcomes ?? [];
  context.setTitle(executionName, [
    { label: 'State machines', href: '/' },
    { label: machineName, href: urls.stateMachine(machineName) },
    { label: executionName },
  ]);
  let data: ExecutionDetail = await api.execution(machineName, executionName);
  let view: View =
    (['graph', 'table', 'events'] as const).find((v) => v === url.searchParams.get('view')) ?? 'graph';
  let selected: string | undefined = url.searchParams.get('state') ?? undefined;
  let visitIndex = 0;
  const expandedEvents = new Set<number>();

  const setQuery = () => {
    window.history.replaceState(
      null,
      '',
      urls.execution(machineName, executionName, { view, state: selected }),
    );
  };

  // --- summary -------------------------------------------------------------------------------------
  const summary = () => {
    const e = data.execution;
    const end = e.stopDate ? Date.parse(e.stopDate) : Date.now();
    const rule = rules.find((r) => r.id === data.outcome);
    return h(
      'section',
      { class: 'summary', 'aria-labelledby': 'summary-heading', id: 'summary' },
      h('h2', { id: 'summary-heading', class: 'visually-hidden' }, 'Summary'),
      h(
        'div',
        { class: 'badges' },
        statusBadge(e.status),
        rules.length > 0 && data.outcome ? outcomeBadge(rules, data.outcome) : null,
        rule?.description ? h('span', { class: 'muted' }, rule.description) : null,
      ),
      details([
        ['Execution ARN', h('code', { class: 'arn' }, breakable(e.arn, 'arn')), 'wide'],
        [
          'State machine',
          h('a', { href: urls.stateMachine(machineName), class: 'ident' }, breakable(machineName)),
          'wide',
        ],
        ['Started', h('time', { datetime: e.startDate ?? '' }, formatDate(e.startDate))],
        ['Ended', e.stopDate ? h('time', { datetime: e.stopDate }, formatDate(e.stopDate)) : 'still running'],
        ['Duration', e.startDate ? formatDuration(end - Date.parse(e.startDate)) : '—'],
        ['States entered', String(data.analysis.visits.length)],
        [
          config.profile.records?.title?.replace(/s$/, '') ?? 'Idempotency record',
          data.record
            ? h(
                'a',
                { href: urls.record(machineName, data.record.key), id: 'record-link', class: 'ident' },
                breakable(data.record.key),
              )
            : undefined,
        ],
      ]),
      e.error !== undefined || e.cause !== undefined
        ? h(
            'div',
            { class: 'error-box', id: 'execution-error' },
            h(
              'h3',
              null,
              h('span', { 'aria-hidden': 'true' }, '✖ '),
              'Error: ',
              h('code', null, e.error ?? '(none)'),
            ),
            e.cause !== undefined ? causeBlock(e.cause, 'Cause of the execution') : null,
          )
        : null,
    );
  };

  const inputOutput = () =>
    h(
      'section',
      { class: 'io', 'aria-labelledby': 'io-heading', id: 'io' },
      h('h2', { id: 'io-heading' }, 'Execution input and output'),
      h(
        'div',
        { class: 'two' },
        h('div', null, h('h3', null, 'Input'), jsonBlock(data.execution.input, 'Execution input')),
        h(
          'div',
          null,
          h('h3', null, 'Output'),
          data.execution.output !== undefined
            ? jsonBlock(data.execution.output, 'Execution output')
            : h(
                'p',
                { class: 'muted' },
                data.execution.status === 'RUNNING' ? 'Not yet: the execution is running.' : 'None.',
              ),
        ),
      ),
    );

  // --- actions -------------------------------------------------------------------------------------
  const stopError = h('input', { id: 'stop-error', type: 'text', maxlength: 256, autocomplete: 'off' });
  const stopCause = h('textarea', { id: 'stop-cause', rows: 3, maxlength: 32768 });
  const stopProblem = h('div', { role: 'alert' });
  const dialog = h(
    'dialog',
    { id: 'stop-dialog', 'aria-labelledby': 'stop-heading' },
    h(
      'form',
      { method: 'dialog' },
      h('h2', { id: 'stop-heading' }, 'Stop execution?'),
      h('p', null, 'The execution ends with status ABORTED. This cannot be undone.'),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'stop-error' }, 'Error ', h('span', { class: 'muted' }, '(optional)')),
        stopError,
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'stop-cause' }, 'Cause ', h('span', { class: 'muted' }, '(optional)')),
        stopCause,
      ),
      stopProblem,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', value: 'stop', class: 'danger', id: 'stop-confirm' }, 'Stop execution'),
        h('button', { type: 'submit', value: 'cancel', formnovalidate: true }, 'Cancel'),
      ),
    ),
  );
  dialog.addEventListener('close', async () => {
    if (dialog.returnValue !== 'stop') {
      document.getElementById('stop-button')?.focus();
      return;
    }
    try {
      await api.stop(machineName, executionName, {
        error: stopError.value.trim() || undefined,
        cause: stopCause.value.trim() || undefined,
      });
      context.announce(`Execution ${executionName} stopped`);
      await refresh();
      document.querySelector<HTMLElement>('main h1')?.focus();
    } catch (error) {
      stopProblem.replaceChildren(errorBox(error));
      dialog.showModal();
    }
  });

  const actions = () =>
    h(
      'div',
      { class: 'toolbar', id: 'actions' },
      data.execution.status === 'RUNNING'
        ? h(
            'button',
            {
              type: 'button',
              class: 'danger',
              id: 'stop-button',
              onclick: () => {
                dialog.returnValue = '';
                stopProblem.replaceChildren();
                dialog.showModal();
              },
            },
            'Stop execution',
          )
        : null,
      h(
        'button',
        {
          type: 'button',
          id: 'new-execution',
          onclick: () => {
            prefillStart(data.execution.input ?? '{}');
            context.navigate(`${urls.stateMachine(machineName)}?start=1`);
          },
        },
        'New execution with this input',
      ),
    );

  // --- step panel ----------------------------------------------------------------------------------
  const statePanel = () => {
    const panel = h('section', {
      class: 'step-panel panel',
      id: 'step-panel',
      'aria-labelledby': 'step-heading',
      tabindex: -1,
    });
    if (!selected) {
      panel.append(
        h('h2', { id: 'step-heading' }, 'Step details'),
        h(
          'p',
          { class: 'muted' },
          'Choose a state in the graph (click it, or Tab to it and press Enter), or a name in the table view, to see its input, output, variables, errors and retries.',
        ),
      );
      return panel;
    }
    const graph = graphOf(data.definition);
    const definition = graph.states[selected];
    const visits = data.analysis.visits.filter((visit) => visit.name === selected);
    const visit = visits[Math.min(visitIndex, visits.length - 1)];
    panel.append(
      h('h2', { id: 'step-heading' }, selected),
      h(
        'div',
        { class: 'badges' },
        h('span', { class: 'type-tag' }, String(definition?.Type ?? visit?.type ?? '')),
        visit
          ? stepBadge(visit)
          : badge(STEP_LOOKS['not-reached'] ?? { icon: '○', label: 'Not reached', tone: 'neutral' }),
      ),
    );
    if (visits.length > 1) {
      panel.append(
        h(
          'div',
          { class: 'visits', role: 'group', 'aria-label': 'Visits of this state' },
          visits.map((_, index) =>
            h(
              'button',
              {
                type: 'button',
                'aria-pressed': index === visitIndex ? 'true' : 'false',
                onclick: () => {
                  visitIndex = index;
                  renderViews();
                  document.getElementById('step-panel')?.focus();
                },
              },
              `Visit ${index + 1}`,
            ),
          ),
        ),
      );
    }
    const branches = branchesOf(definition);
    if (branches.length > 0) {
      panel.append(
        h('h3', null, definition?.Type === 'Map' ? 'Item processor' : `Branches (${branches.length})`),
        h(
          'ol',
          { class: 'branches' },
          branches.map((states) => h('li', null, states.join(' → '))),
        ),
        h('p', { class: 'muted small' }, 'The states inside are listed, indented, in the table view.'),
      );
    }
    if (!visit) {
      panel.append(h('p', null, 'This state was not entered in this execution.'));
    } else {
      const lastAttempt = visit.attempts[visit.attempts.length - 1];
      panel.append(
        details([
          [
            'Started after',
            visit.startedAfterMs !== undefined ? formatDuration(visit.startedAfterMs) : undefined,
          ],
          [
            'Duration',
            visit.durationMs !== undefined
              ? formatDuration(visit.durationMs)
              : visit.status === 'running'
                ? 'still running'
                : undefined,
          ],
          [
            'Resource',
            typeof definition?.Resource === 'string'
              ? h(
                  'code',
                  { title: definition.Resource },
                  definition.Resource.replace(/^arn:aws:states:::/, ''),
                )
              : undefined,
          ],
          ['Attempts', visit.attempts.length > 0 ? String(visit.attempts.length) : undefined],
        ]),
        h('h3', null, 'Input'),
        jsonBlock(visit.input, `Input of ${selected}`),
        h('h3', null, 'Output'),
        visit.output !== undefined
          ? jsonBlock(visit.output, `Output of ${selected}`)
          : h('p', { class: 'muted' }, 'None.'),
        h('h3', null, 'Assigned variables'),
        visit.assignedVariables && Object.keys(visit.assignedVariables).length > 0
          ? h(
              'table',
              { class: 'data compact variables' },
              h(
                'thead',
                null,
                h('tr', null, h('th', { scope: 'col' }, 'Variable'), h('th', { scope: 'col' }, 'Value')),
              ),
              h(
                'tbody',
                null,
                Object.entries(visit.assignedVariables).map(([name, value]) =>
                  h(
                    'tr',
                    null,
                    h('th', { scope: 'row' }, h('code', null, `$${name}`)),
                    h('td', null, h('code', null, value)),
                  ),
                ),
              ),
            )
          : h('p', { class: 'muted' }, 'None.'),
      );
      if ((visit.error !== undefined || visit.cause !== undefined) && visit.status !== 'retried') {
        panel.append(
          h('h3', null, visit.status === 'caught' ? 'Error (caught)' : 'Error'),
          h('p', null, h('code', { class: 'error-name' }, visit.error ?? '')),
        );
        if (visit.cause !== undefined) panel.append(causeBlock(visit.cause, `Cause of ${selected}`));
      }
      if (visit.attempts.length > 0) {
        panel.append(
          h(
            'h3',
            null,
            visit.attempts.length > 1
              ? `Attempts (${visit.attempts.length - 1} ${visit.attempts.length === 2 ? 'retry' : 'retries'})`
              : 'Attempt',
          ),
          h(
            'ol',
            { class: 'attempts' },
            visit.attempts.map((attempt, index) =>
              h(
                'li',
                null,
                attempt.error !== undefined
                  ? [
                      badge({ icon: '✖', label: 'Failed', tone: 'danger' }),
                      ' ',
                      h('code', null, attempt.error),
                      attempt.cause
                        ? h(
                            'details',
                            { class: 'small' },
                            h('summary', null, causeSummary(attempt.cause)),
                            causePre(attempt.cause, `Cause of attempt ${index + 1}`),
                          )
                        : null,
                    ]
                  : index === visit.attempts.length - 1 && visit.status === 'running'
                    ? badge({ icon: '◔', label: 'In progress', tone: 'running' })
                    : badge({ icon: '✔', label: 'Succeeded', tone: 'success' }),
                attempt.resource
                  ? h('span', { class: 'muted small' }, ` ${attempt.resourceType ?? ''}:${attempt.resource}`)
                  : null,
              ),
            ),
          ),
          h('h3', null, 'Parameters'),
          jsonBlock(lastAttempt?.parameters, `Parameters of ${selected}`),
        );
      }
    }
    panel.append(
      h(
        'details',
        { class: 'definition' },
        h('summary', null, 'State definition'),
        h('pre', { class: 'json', tabindex: 0 }, JSON.stringify(definition ?? {}, null, 2)),
      ),
    );
    return panel;
  };

  const select = (state: string) => {
    selected = state;
    visitIndex = Math.max(0, data.analysis.visits.filter((visit) => visit.name === state).length - 1);
    setQuery();
    renderViews();
    const panel = document.getElementById('step-panel');
    panel?.focus();
  };

  // --- table view ----------------------------------------------------------------------------------
  const tableView = () =>
    h(
      'table',
      { class: 'data', id: 'steps-table' },
      h('caption', { class: 'visually-hidden' }, 'States entered, in order'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Name', 'Type', 'Status', 'Resource', 'Started after', 'Duration', 'Attempts'].map((title) =>
            h(
              'th',
              { scope: 'col', class: ['Started after', 'Duration', 'Attempts'].includes(title) ? 'num' : '' },
              title,
            ),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        data.analysis.visits.map((visit) => {
          const state = graphOf(data.definition).states[visit.name];
          return h(
            'tr',
            { 'data-state': visit.name },
            h(
              'th',
              { scope: 'row', style: `padding-left: ${0.75 + visit.depth * 1.25}rem` },
              h(
                'button',
                { type: 'button', class: 'linklike', onclick: () => select(visit.name) },
                visit.name,
              ),
            ),
            h('td', null, visit.type),
            h('td', null, stepBadge(visit)),
            h(
              'td',
              null,
              typeof state?.Resource === 'string'
                ? h('code', { class: 'small' }, state.Resource.replace(/^arn:aws:states:::/, ''))
                : '—',
            ),
            h('td', { class: 'num' }, formatDuration(visit.startedAfterMs)),
            h(
              'td',
              { class: 'num' },
              visit.durationMs !== undefined
                ? formatDuration(visit.durationMs)
                : visit.status === 'running'
                  ? 'running'
                  : '—',
            ),
            h('td', { class: 'num' }, visit.attempts.length > 0 ? String(visit.attempts.length) : '—'),
          );
        }),
      ),
    );

  // --- event view ----------------------------------------------------------------------------------
  const eventView = () => {
    const started = data.events[0]?.timestamp ? Date.parse(String(data.events[0].timestamp)) : undefined;
    const rows = data.events.flatMap((event) => {
      const id = Number(event.id);
      const { id: _id, type, timestamp, previousEventId, ...rest } = event;
      const at = Date.parse(String(timestamp));
      const expanded = expandedEvents.has(id);
      const detailId = `event-${id}-details`;
      const toggle = h(
        'button',
        {
          type: 'button',
          class: 'expander',
          'aria-expanded': expanded ? 'true' : 'false',
          'aria-controls': detailId,
          'aria-label': `Details of event ${id}, ${String(type)}`,
          'data-key': `event:${id}`,
        },
        h('span', { 'aria-hidden': 'true' }, expanded ? '▾' : '▸'),
      );
      const detailRow = h(
        'tr',
        { id: detailId, class: 'event-details', hidden: !expanded },
        h(
          'td',
          { colspan: 6 },
          h(
            'pre',
            { class: 'json', tabindex: 0 },
            JSON.stringify(
              { previousEventId, ...rest },
              (_key, value) => {
                if (typeof value === 'string' && /^[[{]/.test(value)) {
                  try {
                    return JSON.parse(value);
                  } catch {
                    return value;
                  }
                }
                return value;
              },
              2,
            ),
          ),
        ),
      );
      toggle.addEventListener('click', () => {
        const open = toggle.getAttribute('aria-expanded') !== 'true';
        toggle.setAttribute('aria-expanded', String(open));
        toggle.firstElementChild?.replaceChildren(open ? '▾' : '▸');
        detailRow.hidden = !open;
        if (open) expandedEvents.add(id);
        else expandedEvents.delete(id);
      });
      const failed = /Failed|TimedOut|Aborted/.test(String(type));
      return [
        h(
          'tr',
          { 'data-event': String(id), class: failed ? 'event-failed' : '' },
          h('td', null, toggle),
          h('td', { class: 'num' }, String(id)),
          h(
            'td',
            null,
            failed ? h('span', null, h('span', { 'aria-hidden': 'true' }, '✖ '), String(type)) : String(type),
          ),
          h('td', null, data.analysis.stepOfEvent[id] ?? '—'),
          h(
            'td',
            { class: 'num' },
            started !== undefined && Number.isFinite(at) ? formatDuration(at - started) : '—',
          ),
          h('td', null, h('time', { datetime: String(timestamp) }, formatDate(String(timestamp)))),
        ),
        detailRow,
      ];
    });
    return h(
      'div',
      null,
      h(
        'div',
        { class: 'toolbar' },
        h(
          'button',
          {
            type: 'button',
            onclick: () => {
              for (const e of data.events) expandedEvents.add(Number(e.id));
              renderViews();
            },
          },
          'Expand all',
        ),
        h(
          'button',
          {
            type: 'button',
            onclick: () => {
              expandedEvents.clear();
              renderViews();
            },
          },
          'Collapse all',
        ),
      ),
      h(
        'table',
        { class: 'data events', id: 'events-table' },
        h('caption', { class: 'visually-hidden' }, 'Execution history events'),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Details')),
            h('th', { scope: 'col', class: 'num' }, 'ID'),
            h('th', { scope: 'col' }, 'Type'),
            h('th', { scope: 'col' }, 'Step'),
            h('th', { scope: 'col', class: 'num' }, 'Elapsed time'),
            h('th', { scope: 'col' }, 'Date and time'),
          ),
        ),
        h('tbody', null, rows),
      ),
    );
  };

  // --- tabs ----------------------------------------------------------------------------------------
  const viewsHost = h('section', { class: 'views', 'aria-label': 'Execution views' });
  const renderViews = () => {
    const focusedKey = (document.activeElement as HTMLElement | null)?.dataset?.key;
    // The graph keeps where it was scrolled to when it is drawn again (a state chosen, a refresh).
    const scroller = viewsHost.querySelector<HTMLElement>('.graph-scroll');
    const scrolled = scroller ? { left: scroller.scrollLeft, top: scroller.scrollTop } : undefined;
    const tabs = h(
      'div',
      { role: 'tablist', 'aria-label': 'Views', class: 'tabs' },
      VIEWS.map(([id, label]) =>
        h(
          'button',
          {
            type: 'button',
            role: 'tab',
            id: `tab-${id}`,
            'aria-selected': view === id ? 'true' : 'false',
            'aria-controls': `panel-${id}`,
            tabindex: view === id ? 0 : -1,
            'data-key': `tab:${id}`,
            onclick: () => {
              view = id;
              setQuery();
              renderViews();
              document.getElementById(`tab-${id}`)?.focus();
            },
            onkeydown: (event: Event) => {
              const key = (event as KeyboardEvent).key;
              const index = VIEWS.findIndex(([v]) => v === id);
              const next =
                key === 'ArrowRight'
                  ? (index + 1) % VIEWS.length
                  : key === 'ArrowLeft'
                    ? (index + VIEWS.length - 1) % VIEWS.length
                    : key === 'Home'
                      ? 0
                      : key === 'End'
                        ? VIEWS.length - 1
                        : -1;
              if (next < 0) return;
              event.preventDefault();
              view = VIEWS[next]?.[0] ?? 'graph';
              setQuery();
              renderViews();
              document.getElementById(`tab-${view}`)?.focus();
            },
          },
          label,
        ),
      ),
    );
    const body =
      view === 'graph'
        ? h(
            'div',
            { class: 'graph-layout' },
            graphView({ definition: data.definition, analysis: data.analysis, selected, onSelect: select }),
            statePanel(),
          )
        : view === 'table'
          ? h('div', { class: 'table-layout' }, h('div', { class: 'table-wrap' }, tableView()), statePanel())
          : h('div', { class: 'table-wrap' }, eventView());
    viewsHost.replaceChildren(
      tabs,
      h('div', { role: 'tabpanel', id: `panel-${view}`, 'aria-labelledby': `tab-${view}` }, body),
    );
    const nextScroller = viewsHost.querySelector<HTMLElement>('.graph-scroll');
    if (nextScroller && scrolled) {
      nextScroller.scrollLeft = scrolled.left;
      nextScroller.scrollTop = scrolled.top;
    } else if (nextScroller) scrollGraphToPath(viewsHost);
    if (focusedKey) viewsHost.querySelector<HTMLElement>(`[data-key="${CSS.escape(focusedKey)}"]`)?.focus();
  };

  let summaryElement = summary();
  let ioElement = inputOutput();
  let actionsElement = actions();
  fill(
    context.main,
    h('h1', { tabindex: -1 }, breakable(executionName)),
    actionsElement,
    summaryElement,
    ioElement,
    viewsHost,
    dialog,
  );
  renderViews();

  const refresh = async () => {
    const next = await api.execution(machineName, executionName);
    if (context.signal.aborted) return;
    const changed =
      next.events.length !== data.events.length || next.execution.status !== data.execution.status;
    data = next;
    const nextSummary = summary();
    summaryElement.replaceWith(nextSummary);
    summaryElement = nextSummary;
    if (!changed) return;
    const nextIo = inputOutput();
    ioElement.replaceWith(nextIo);
    ioElement = nextIo;
    const hadFocus = actionsElement.contains(document.activeElement);
    const nextActions = actions();
    actionsElement.replaceWith(nextActions);
    actionsElement = nextActions;
    if (hadFocus) document.getElementById('new-execution')?.focus();
    renderViews();
    if (data.execution.status !== 'RUNNING')
      context.announce(`Execution ${executionName} ended: ${data.execution.status}`);
  };

  return {
    live: () => data.execution.status === 'RUNNING',
    refresh,
  };
}
