// The stored event types of a customer's history and of complaints: what the
// slices decode, what a timeline can be filtered by and what a webhook can
// subscribe to. The slices check these names against their event unions.
export const CUSTOMER_EVENT_TYPES = [
  'CustomerRegistered',
  'CustomerProfileUpdated',
  'PurchaseRecorded',
  'RefundRecorded',
  'ConsentChanged',
  'CustomerTagged',
  'CustomerUntagged',
  'ContactLogged',
  'CustomerErased',
] as const;

export const COMPLAINT_EVENT_TYPES = [
  'ComplaintOpened',
  'ComplaintAssigned',
  'ComplaintEscalated',
  'ComplaintResponded',
  'ComplaintResolved',
  'ComplaintReopened',
  'ComplaintRated',
] as const;

export const SOURCE_EVENT_TYPES = [...CUSTOMER_EVENT_TYPES, ...COMPLAINT_EVENT_TYPES] as const;
