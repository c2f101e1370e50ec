export * from './stack-env';
export * from './wait-for';
export * from './service-process';
export * from './consumer-group';
export * from './checkout-catalog';
export * from './operations-token';
export * from './broker-proxy';
