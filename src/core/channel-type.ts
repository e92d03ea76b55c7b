import { registerEnumType } from 'type-graphql';

export enum ChannelType {
  EMAIL = 'EMAIL',
  TELEPHONE = 'TELEPHONE',
  FACEBOOK = 'FACEBOOK',
  TWITTER = 'TWITTER',
  WHATSAPP = 'WHATSAPP',
  OTHER = 'OTHER',
}

registerEnumType(ChannelType, {
  name: 'ChannelType',
  description: 'How a customer can be reached.',
  valuesConfig: {
    EMAIL: { description: 'An e-mail address.' },
    TELEPHONE: { description: 'A telephone number, stored in E.164 form.' },
    FACEBOOK: { description: 'A Facebook account or page.' },
    TWITTER: { description: 'A Twitter/X handle.' },
    WHATSAPP: { description: 'A WhatsApp number, stored in E.164 form.' },
    OTHER: { description: 'Any other channel.' },
  },
});
