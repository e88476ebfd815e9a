/**
 * The local console: a browser UI for watching executions (state machines, executions, one
 * execution's graph, steps and events, and a profile's records), served by the local runtime and
 * reading everything through the Step Functions and DynamoDB APIs.
 */
export * from './analysis';
export type * from './api-types';
export { consoleAssets } from './assets';
export * from './graph';
export * from './profile';
export { ConsoleReader, type ConsoleReaderOptions, ConsoleRequestError, unmarshall } from './reader';
export { type ConsoleOptions, type ConsoleServer, startConsole } from './server';
export { type ConsoleExecutionView, type ConsoleUrls, consoleUrls } from './urls';
