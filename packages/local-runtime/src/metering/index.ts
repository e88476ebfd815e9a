export * from './dynamodb-capacity';
