export * from './crashes';
export * from './dynamodb-proxy';
export * from './lambda-faults';
export * from './random';
