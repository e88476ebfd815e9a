/// <reference lib="dom" />
/** The console server's JSON API, as the pages call it. */
import type {
  ConsoleConfig,
  ErrorBody,
  ExecutionDetail,
  ExecutionPage,
  ExecutionRow,
  RecordDetail,
  RecordPage,
  StateMachineSummary,
} from '../api-types';

/** An error answer of the server (or no answer at all). */
export class ApiError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new ApiError(
      'ConsoleUnreachable',
      `The console server did not answer (${(error as Error).message}).`,
      0,
    );
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    throw new ApiError(
      'BadAnswer',
      `The console server answered ${response.status} with no JSON.`,
      response.status,
    );
  }
  if (!response.ok) {
    const error = (body as ErrorBody).error ?? { name: 'Error', message: text };
    throw new ApiError(error.name, error.message, response.status);
  }
  return body as T;
}

const query = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};

const m = (machine: string) => `/api/state-machines/${encodeURIComponent(machine)}`;

const post = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

export const api = {
  stateMachines: () => call<StateMachineSummary[]>('/api/state-machines'),
  stateMachine: (machine: string) => call<StateMachineSummary>(m(machine)),
  executions: (machine: string, params: { status?: string; outcome?: string; token?: string }) =>
    call<ExecutionPage>(`${m(machine)}/executions${query(params)}`),
  execution: (machine: string, execution: string) =>
    call<ExecutionDetail>(`${m(machine)}/executions/${encodeURIComponent(execution)}`),
  start: (machine: string, body: { name?: string; input: string }) =>
    call<ExecutionRow>(`${m(machine)}/executions`, post(body)),
  stop: (machine: string, execution: string, body: { error?: string; cause?: string }) =>
    call<{ stopped: boolean }>(`${m(machine)}/executions/${encodeURIComponent(execution)}/stop`, post(body)),
  records: (machine: string, params: { q?: string; token?: string }) =>
    call<RecordPage>(`${m(machine)}/records${query(params)}`),
  record: (machine: string, key: string) =>
    call<RecordDetail>(`${m(machine)}/records/${encodeURIComponent(key)}`),
};

/** The configuration the server embedded in the page. */
export function readConfig(): ConsoleConfig {
  const element = document.getElementById('console-config');
  return JSON.parse(element?.textContent ?? '{}') as ConsoleConfig;
}
