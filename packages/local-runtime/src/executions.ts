/**
 * Small Step Functions SDK helpers that every client of the local runtime needs (the CLI, the
 * conformance runner, tests): they use only the public API, so they work against AWS as well.
 */
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls DescribeExecution until the execution has ended (Step Functions has no push API). */
export async function waitForExecution(
  sfn: SFNClient,
  executionArn: string,
  pollMs = 25,
): Promise<DescribeExecutionCommandOutput> {
  for (;;) {
    const description = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (description.status !== 'RUNNING') return description;
    await sleep(pollMs);
  }
}

/** The whole history of an execution, across pages. */
export async function executionHistory(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}
