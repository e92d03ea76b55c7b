import { CustomerErrorCode } from '../../core/errors/customer-error-code';
import { ChannelType } from '../../core/channel-type';
import { characterCount, checkEmailAddress, isUnstorableText, normalizePhoneNumber, RuleResult } from '../field.rules';

export const CHANNEL_VALUE_MAX_LENGTH = 255;

/** A channel value in its stored form: e-mail checked, phone numbers as E.164, anything else 1–255 characters. */
export function checkChannelValue(type: ChannelType, raw: string): RuleResult<string> {
  switch (type) {
    case ChannelType.EMAIL: {
      const email = checkEmailAddress(raw);
      return email.ok ? email : { ok: false, code: CustomerErrorCode.INVALID, message: 'An EMAIL channel needs a valid e-mail address.' };
    }
    case ChannelType.TELEPHONE:
    case ChannelType.WHATSAPP: {
      const phoneNumber = normalizePhoneNumber(raw);
      return phoneNumber === null
        ? { ok: false, code: CustomerErrorCode.INVALID, message: `A ${type} channel needs a valid international phone number.` }
        : { ok: true, value: phoneNumber };
    }
    default: {
      const value = raw.trim();
      const length = characterCount(value);
      if (length < 1 || length > CHANNEL_VALUE_MAX_LENGTH || isUnstorableText(value)) {
        return {
          ok: false,
          code: CustomerErrorCode.INVALID,
          message: `A channel value must be 1 to ${CHANNEL_VALUE_MAX_LENGTH} characters, without control characters.`,
        };
      }
      return { ok: true, value };
    }
  }
}
