export * from './lifecycle';
export * from './rfm';
export * from './rfm-thresholds';
