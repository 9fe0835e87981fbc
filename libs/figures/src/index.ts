// The figures slice's public face: whole-base figures (RFM, stickiness), the
// care due lists, the RFM base a single customer is ranked in, every
// customer's dated facts, and the module.
export { AnalyticsService, RFM_SEGMENTS } from './analytics.service';
export { rfmAsOf, RfmBase } from './rfm.query';
export { rfmCut, rfmScoreBy, rfmSegments, totalsHoldOn } from './rfm-segments.query';
export type { RfmCut } from './rfm-segments.query';
export { stickiness } from './stickiness.query';
export { scanCustomerFacts } from './customer-facts.query';
export { FiguresModule } from './figures.module';
export { RateType } from './figures.types';
