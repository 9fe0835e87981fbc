export * from './tier-rules';
export * from './tier-history';
export * from './tier-rule-set';
export * from './business-logic';
export * from './tier-rule-set-commands';
export * from './simulation';
export * from './tier-rule-sets.service';
export * from './tiers.module';
