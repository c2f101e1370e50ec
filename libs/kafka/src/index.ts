export * from './consumer';
export * from './event-publisher';
export * from './headers';
export * from './kafka-health';
export * from './kafka-options';
export * from './kafka.module';
