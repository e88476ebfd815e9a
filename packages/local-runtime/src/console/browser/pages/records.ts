/// <reference lib="dom" />
/**
 * The records the profile names (e.g. idempotency records): a page of the table or a search by
 * key, and one record with every execution that touched its key (the owner and the duplicates).
 */
import type { RecordDetail, RecordRow } from '../../api-types';
import { api } from '../api';
import { details, type Page, type PageContext, replacePreservingFocus } from '../app';
import {
  badge,
  breakable,
  fill,
  formatCount,
  formatDate,
  h,
  namesOfExecutionArn,
  outcomeBadge,
  relative,
  statusBadge,
  urls,
} from '../dom';

const timeCell = (ms: number | undefined, kind: 'expiration' | 'lease') => {
  if (ms === undefined) return h('span', { class: 'muted' }, '—');
  const past = ms < Date.now();
  const word = kind === 'expiration' ? (past ? 'expired' : 'expires') : past ? 'ended' : 'ends';
  return h(
    'span',
    null,
    h('time', { datetime: new Date(ms).toISOString() }, formatDate(ms)),
    h('span', { class: `small ${past ? 'muted' : ''}` }, ` (${word}, ${relative(ms)})`),
  );
};

const ownerLink = (arn: string | undefined) => {
  if (!arn) return h('span', { class: 'muted' }, '—');
  const names = namesOfExecutionArn(arn);
  return names
    ? h('a', { href: urls.execution(names.machine, names.execution), 'data-owner': arn }, names.execution)
    : h('code', null, arn);
};

export async function recordsPage(context: PageContext): Promise<Page> {
  const { config, url } = context;
  const machineName = context.params[0] ?? '';
  const title = config.profile.records?.title ?? 'Idempotency records';
  const q = url.searchParams.get('q') ?? '';
  const token = url.searchParams.get('token') ?? '';
  context.setTitle(`${title} of ${machineName}`, [
    { label: 'State machines', href: '/' },
    { label: machineName, href: urls.stateMachine(machineName) },
    { label: title },
  ]);
  const data = await api.records(machineName, { q, token });
  const search = h('input', {
    id: 'record-search',
    name: 'q',
    type: 'search',
    value: q,
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const rows = (records: readonly RecordRow[]) =>
    records.map((record) =>
      h(
        'tr',
        { 'data-record': record.key },
        h('th', { scope: 'row' }, h('a', { href: urls.record(machineName, record.key) }, record.key)),
        h('td', null, record.status ?? '—'),
        h('td', null, timeCell(record.expiration, 'expiration')),
        h('td', null, timeCell(record.lease, 'lease')),
        h('td', null, ownerLink(record.owner)),
      ),
    );
  fill(
    context.main,
    h('h1', { tabindex: -1 }, title),
    h(
      'p',
      { class: 'lede' },
      'Table ',
      h('code', null, data.tableName),
      ', key attribute ',
      h('code', null, data.keyAttribute),
      ', read with DynamoDB Scan and GetItem (in the table’s own order).',
    ),
    h(
      'form',
      {
        role: 'search',
        class: 'filters',
        onsubmit: (event: Event) => {
          event.preventDefault();
          const value = search.value.trim();
          context.navigate(urls.records(machineName, value), {
            keepFocus: true,
          });
        },
      },
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'record-search' }, 'Find a record by key (the whole key, or part of it)'),
        search,
      ),
      h('button', { type: 'submit', id: 'record-search-submit' }, 'Search'),
      q ? h('a', { href: urls.records(machineName), class: 'clear' }, 'Clear search') : null,
    ),
    q
      ? h(
          'p',
          { class: 'note' },
          `${formatCount(data.records.length)} record${data.records.length === 1 ? '' : 's'} whose key contains “${q}”${data.scannedAll ? '' : ' (more of the table is left to search: see the next page)'}.`,
        )
      : null,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data', id: 'records' },
        h('caption', { class: 'visually-hidden' }, title),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['Key', 'Status', 'Expiration', 'Lease', 'Owning execution'].map((t) =>
              h('th', { scope: 'col' }, t),
            ),
          ),
        ),
        h(
          'tbody',
          null,
          data.records.length === 0
            ? h('tr', null, h('td', { colspan: 5 }, q ? 'No record matches.' : 'The table is empty.'))
            : rows(data.records),
        ),
      ),
    ),
    data.nextToken
      ? h(
          'nav',
          { class: 'pager', 'aria-label': 'Pages of records' },
          h(
            'a',
            {
              href: `${urls.records(machineName)}?${new URLSearchParams({ ...(q ? { q } : {}), token: data.nextToken })}`,
            },
            'More records →',
          ),
        )
      : null,
  );
  return {};
}

export async function recordPage(context: PageContext): Promise<Page> {
  const { config } = context;
  const [machineName = '', key = ''] = context.params;
  const rules = config.profile.outcomes ?? [];
  const title = config.profile.records?.title ?? 'Idempotency records';
  context.setTitle(key, [
    { label: 'State machines', href: '/' },
    { label: machineName, href: urls.stateMachine(machineName) },
    { label: title, href: urls.records(machineName) },
    { label: key },
  ]);
  let data: RecordDetail = await api.record(machineName, key);

  const recordSection = () => {
    const record = data.record;
    return h(
      'section',
      { 'aria-labelledby': 'record-heading', id: 'record-section' },
      h('h2', { id: 'record-heading' }, 'Record'),
      record
        ? [
            details([
              ['Key', h('code', null, record.key)],
              ['Status', record.status ?? '—'],
              ['Expiration', timeCell(record.expiration, 'expiration')],
              ['Lease', timeCell(record.lease, 'lease')],
              ['Owning execution', ownerLink(record.owner)],
              ['Table', h('code', null, data.tableName)],
            ]),
            h(
              'details',
              null,
              h('summary', null, 'Every attribute'),
              h('pre', { class: 'json', tabindex: 0 }, JSON.stringify(record.attributes, null, 2)),
            ),
          ]
        : h(
            'p',
            { class: 'note', id: 'no-record' },
            `Table ${data.tableName} has no item with this key: it was released (deleted) after a failure, it expired, or it was never written.`,
          ),
    );
  };

  const touchers = () => {
    const c = data.classification;
    return h(
      'section',
      { 'aria-labelledby': 'touchers-heading', id: 'touchers' },
      h('h2', { id: 'touchers-heading' }, 'Executions that touched this key'),
      h(
        'p',
        { class: 'muted' },
        `Found by reading the histories of the executions of ${machineName} for this key (${formatCount(c.classified)} of ${formatCount(c.finished)} finished executions read${c.classified < c.finished ? ', more are being read' : ''}). The record names its owner; the others are duplicates or earlier attempts.`,
      ),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'data', id: 'touchers-table' },
          h('caption', { class: 'visually-hidden' }, 'Executions that touched this key, newest first'),
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ['Execution', 'Role', 'Outcome', 'Status', 'Started'].map((t) => h('th', { scope: 'col' }, t)),
            ),
          ),
          h(
            'tbody',
            null,
            data.executions.length === 0
              ? h('tr', null, h('td', { colspan: 5 }, 'No execution read so far named this key.'))
              : data.executions.map((execution) =>
                  h(
                    'tr',
                    { 'data-execution': execution.name, 'data-owner': execution.owner ? 'true' : 'false' },
                    h(
                      'th',
                      { scope: 'row' },
                      h(
                        'a',
                        {
                          href: urls.execution(machineName, execution.name),
                          'data-key': `e:${execution.name}`,
                        },
                        execution.name,
                      ),
                    ),
                    h(
                      'td',
                      null,
                      execution.owner
                        ? badge({ icon: '★', label: 'Owner (winner)', tone: 'success' })
                        : h('span', null, 'Not the owner'),
                    ),
                    h('td', null, outcomeBadge(rules, execution.outcome)),
                    h('td', null, statusBadge(execution.status)),
                    h('td', null, formatDate(execution.startDate)),
                  ),
                ),
          ),
        ),
      ),
    );
  };

  let recordElement = recordSection();
  let touchersElement = touchers();
  fill(context.main, h('h1', { tabindex: -1 }, breakable(key)), recordElement, touchersElement);
  return {
    live: () =>
      data.classification.classified < data.classification.finished ||
      data.executions.some((e) => e.status === 'RUNNING'),
    async refresh() {
      data = await api.record(machineName, key);
      if (context.signal.aborted) return;
      const nextRecord = recordSection();
      replacePreservingFocus(recordElement, nextRecord);
      recordElement = nextRecord;
      const nextTouchers = touchers();
      replacePreservingFocus(touchersElement, nextTouchers);
      touchersElement = nextTouchers;
    },
  };
}
