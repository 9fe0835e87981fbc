export * from './lifecycle';
export * from './rfm';
