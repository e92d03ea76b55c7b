import { registerEnumType } from 'type-graphql';

export enum ActivityOrigin {
  SYSTEM = 'SYSTEM',
  EXTERNAL = 'EXTERNAL',
}

registerEnumType(ActivityOrigin, {
  name: 'ActivityOrigin',
  description: 'Who wrote an activity.',
  valuesConfig: {
    SYSTEM: { description: 'Written by this service when the customer, its channels or its flags changed.' },
    EXTERNAL: { description: 'Recorded by another system with recordCustomerActivity.' },
  },
});
