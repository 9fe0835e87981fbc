// The stored event types of a customer's history and complaints: what a
// timeline can be filtered by and what a webhook can subscribe to.
export const SOURCE_EVENT_TYPES = [
  'CustomerRegistered',
  'CustomerProfileUpdated',
  'PurchaseRecorded',
  'RefundRecorded',
  'ConsentChanged',
  'CustomerTagged',
  'CustomerUntagged',
  'ContactLogged',
  'CustomerErased',
  'ComplaintOpened',
  'ComplaintAssigned',
  'ComplaintEscalated',
  'ComplaintResponded',
  'ComplaintResolved',
  'ComplaintReopened',
  'ComplaintRated',
] as const;
