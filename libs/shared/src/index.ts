export * from './config';
export * from './config.module';
export * from './money';
export * from './shop-calendar';
export * from './domain-error';
export * from './ids';
export * from './text';
export * from './http';
