/// <reference lib="dom" />
/** The state machines: name, type, executions by status and, with a profile, by outcome. */
import type { StateMachineSummary } from '../../api-types';
import { api } from '../api';
import { type Page, type PageContext, replacePreservingFocus } from '../app';
import { badge, breakable, fill, formatCount, h, outcomeLook, statusLook, urls } from '../dom';

const STATUS_COLUMNS = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;

export async function machinesPage(context: PageContext): Promise<Page> {
  const { config } = context;
  const rules = config.profile.outcomes ?? [];
  context.setTitle('State machines', [{ label: 'State machines' }]);
  let machines = await api.stateMachines();

  const classificationNote = (list: readonly StateMachineSummary[]) => {
    const pending = list.filter(
      (machine) =>
        machine.classification && machine.classification.classified < machine.classification.finished,
    );
    if (pending.length === 0) return h('p', { class: 'note', id: 'classification' });
    return h(
      'p',
      { class: 'note', id: 'classification' },
      h('span', { 'aria-hidden': 'true' }, 'ℹ '),
      'Reading histories for outcomes: ',
      pending
        .map(
          (machine) =>
            `${machine.name} ${formatCount(machine.classification?.classified)} of ${formatCount(machine.classification?.finished)}`,
        )
        .join(', '),
      '. Counts grow as they are read.',
    );
  };

  const table = (list: readonly StateMachineSummary[]) =>
    h(
      'table',
      { class: 'data', id: 'machines' },
      h('caption', { class: 'visually-hidden' }, 'State machines, with their executions by status'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col', class: 'name-col' }, 'Name'),
          h('th', { scope: 'col' }, 'Type'),
          h('th', { scope: 'col', class: 'num' }, 'Executions'),
          STATUS_COLUMNS.map((status) => h('th', { scope: 'col', class: 'num' }, statusLook(status).label)),
          rules.length > 0 ? h('th', { scope: 'col' }, 'Outcomes') : null,
        ),
      ),
      h(
        'tbody',
        null,
        list.length === 0
          ? h(
              'tr',
              null,
              h(
                'td',
                { colspan: 4 + STATUS_COLUMNS.length },
                'No state machines yet. Create one with CreateStateMachine (the SDK, the AWS CLI or a deployment).',
              ),
            )
          : list.map((machine) =>
              h(
                'tr',
                { 'data-machine': machine.name },
                h(
                  'th',
                  { scope: 'row' },
                  h(
                    'a',
                    {
                      href: urls.stateMachine(machine.name),
                      'data-key': `m:${machine.name}`,
                      class: 'ident',
                    },
                    breakable(machine.name),
                  ),
                  machine.hasRecords
                    ? h(
                        'div',
                        { class: 'sub' },
                        h(
                          'a',
                          { href: urls.records(machine.name), 'data-key': `r:${machine.name}` },
                          config.profile.records?.title ?? 'Idempotency records',
                        ),
                      )
                    : null,
                ),
                h('td', null, machine.type === 'EXPRESS' ? 'Express' : 'Standard'),
                h(
                  'td',
                  { class: 'num' },
                  machine.total === undefined
                    ? h(
                        'span',
                        { class: 'muted', title: 'Express executions keep no history to list, as on AWS' },
                        'not kept',
                      )
                    : formatCount(machine.total),
                ),
                STATUS_COLUMNS.map((status) =>
                  h(
                    'td',
                    { class: 'num', 'data-status': status },
                    machine.counts ? formatCount(machine.counts[status]) : '—',
                  ),
                ),
                rules.length > 0
                  ? h(
                      'td',
                      { class: 'outcomes-col' },
                      machine.outcomes
                        ? h(
                            'ul',
                            { class: 'outcome-counts' },
                            [...rules.map((rule) => rule.id), 'none']
                              .filter((id) => (machine.outcomes?.[id] ?? 0) > 0)
                              .map((id) => {
                                const look = outcomeLook(rules, id);
                                return look
                                  ? h(
                                      'li',
                                      { 'data-outcome': id },
                                      h(
                                        'a',
                                        {
                                          href: urls.stateMachine(machine.name, { outcome: id }),
                                          class: 'plain',
                                          'data-key': `o:${machine.name}:${id}`,
                                        },
                                        badge(look, formatCount(machine.outcomes?.[id])),
                                      ),
                                    )
                                  : null;
                              }),
                          )
                        : '—',
                    )
                  : null,
              ),
            ),
      ),
    );

  let current = table(machines);
  let note = classificationNote(machines);
  fill(
    context.main,
    h('h1', { tabindex: -1 }, 'State machines'),
    h(
      'p',
      { class: 'lede' },
      'Read through the Step Functions API at ',
      h('code', null, config.endpoints.stepFunctions),
      '. The counts refresh every ',
      String(config.refreshMs / 1000),
      ' s while this tab is visible.',
    ),
    note,
    h('div', { class: 'table-wrap' }, current),
  );

  return {
    live: () => true,
    async refresh() {
      machines = await api.stateMachines();
      if (context.signal.aborted) return;
      const next = table(machines);
      replacePreservingFocus(current, next);
      current = next;
      const nextNote = classificationNote(machines);
      note.replaceWith(nextNote);
      note = nextNote;
    },
  };
}
