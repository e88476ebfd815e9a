export {
  type CustomEvent,
  EventBridgeApiError,
  eventBusNameOf,
  MAX_ENTRIES,
  MAX_ENTRIES_BYTES,
  type PutEventsResult,
  type PutEventsResultEntry,
  putEvents,
} from './put-events';
export { type EventBridgeService, type EventBridgeServiceOptions, startEventBridgeService } from './server';
