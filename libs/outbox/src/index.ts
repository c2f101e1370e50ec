export * from './outbox-record';
export * from './outbox-relay';
export * from './outbox.module';
export * from './outbox-health';
