/**
 * The console's page URLs, for projects that link to them (a demo printing where to look, a test
 * opening a page) and for the console's own pages. Pure code: the browser bundle imports it too.
 *
 * ```ts
 * const urls = consoleUrls(runtime.console.url);
 * urls.execution('orders', 'new-1');            // http://127.0.0.1:8084/state-machines/orders/executions/new-1
 * urls.executionOfArn(execution.executionArn);  // the same, from the ARN StartExecution returned
 * urls.record(stateMachineArn, 'order#o-1');    // .../state-machines/orders/records/order%23o-1
 * ```
 *
 * Wherever a state machine is asked for, its name or its ARN will do (a name has no `:`).
 */

/** The views of an execution's page. */
export type ConsoleExecutionView = 'graph' | 'table' | 'events';

export interface ConsoleUrls {
  /** The base the URLs start with, without a trailing `/` (empty: paths from the root). */
  readonly base: string;
  /** The state machines page: `<base>/`. */
  stateMachines(): string;
  /** A state machine's executions, optionally filtered: `/state-machines/<name>?status=&outcome=`. */
  stateMachine(
    stateMachine: string,
    filters?: { readonly status?: string; readonly outcome?: string },
  ): string;
  /** One execution: `/state-machines/<name>/executions/<execution>?view=&state=`. */
  execution(
    stateMachine: string,
    execution: string,
    options?: { readonly view?: ConsoleExecutionView; readonly state?: string },
  ): string;
  /** One execution, from its ARN (`arn:aws:states:<region>:<account>:execution:<machine>:<name>`). */
  executionOfArn(
    executionArn: string,
    options?: { readonly view?: ConsoleExecutionView; readonly state?: string },
  ): string;
  /** A state machine's records (with a profile that names them), optionally searched: `?q=`. */
  records(stateMachine: string, query?: string): string;
  /** One record, by its key: `/state-machines/<name>/records/<key>`. */
  record(stateMachine: string, key: string): string;
}

/**
 * The state machine's name from a name or a state machine ARN
 * (`arn:aws:states:<region>:<account>:stateMachine:<name>[:<version or alias>]`).
 */
export function stateMachineNameOf(nameOrArn: string): string {
  if (!nameOrArn.startsWith('arn:')) return nameOrArn;
  const parts = nameOrArn.split(':');
  if (parts[5] !== 'stateMachine' || !parts[6]) {
    throw new TypeError(`Not a state machine ARN: ${nameOrArn}`);
  }
  return parts[6];
}

/** The state machine's and the execution's names from an execution ARN. */
export function executionNamesOf(executionArn: string): { stateMachine: string; execution: string } {
  const parts = executionArn.split(':');
  if (parts[0] !== 'arn' || parts[5] !== 'execution' || !parts[6] || !parts[7] || parts.length !== 8) {
    throw new TypeError(
      `Not an execution ARN (arn:aws:states:<region>:<account>:execution:<state machine>:<name>): ${executionArn}`,
    );
  }
  return { stateMachine: parts[6], execution: parts[7] };
}

const query = (params: Readonly<Record<string, string | undefined>>): string => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
};

/**
 * The URLs of a console's pages. `baseUrl` is the console's URL (`runtime.console.url`), or `''` for
 * paths from the root, as the console's own links are.
 */
export function consoleUrls(baseUrl: string): ConsoleUrls {
  const base = baseUrl.replace(/\/+$/, '');
  const machine = (stateMachine: string) =>
    `${base}/state-machines/${encodeURIComponent(stateMachineNameOf(stateMachine))}`;
  const execution: ConsoleUrls['execution'] = (stateMachine, name, options = {}) =>
    `${machine(stateMachine)}/executions/${encodeURIComponent(name)}${query({
      view: options.view === 'graph' ? undefined : options.view,
      state: options.state,
    })}`;
  return {
    base,
    stateMachines: () => `${base}/`,
    stateMachine: (stateMachine, filters = {}) =>
      `${machine(stateMachine)}${query({ status: filters.status, outcome: filters.outcome })}`,
    execution,
    executionOfArn: (executionArn, options) => {
      const names = executionNamesOf(executionArn);
      return execution(names.stateMachine, names.execution, options);
    },
    records: (stateMachine, search) => `${machine(stateMachine)}/records${query({ q: search })}`,
    record: (stateMachine, key) => `${machine(stateMachine)}/records/${encodeURIComponent(key)}`,
  };
}
