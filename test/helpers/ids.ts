/** Well-formed ids that no test ever creates: the ids of absent things. */
export const ABSENT_CUSTOMER_ID = 'cus_00000000000000000000000000';
export const ABSENT_CHANNEL_ID = 'chn_00000000000000000000000000';
