import { checkNotBothNamesBlank, validateCustomerFields } from '../../src/domain/customer/customer-fields.rules';

describe('validateCustomerFields', () => {
  it('leaves absent fields out of the changes', () => {
    expect(validateCustomerFields({ givenName: 'Zoë' }, ['input'])).toEqual({ changes: { givenName: 'Zoë' }, errors: [] });
    expect(validateCustomerFields({}, ['input'])).toEqual({ changes: {}, errors: [] });
  });

  it('normalises every field it accepts', () => {
    const { changes, errors } = validateCustomerFields(
      {
        externalId: 'crm-1',
        givenName: ' José ',
        familyName: "Ørsted-O'Neil Jr.",
        emailAddress: 'Jose@Example.com',
        phoneNumber: '+49 30 726219941',
        languageCode: 'en-us',
        metadata: { tier: 'gold' },
      },
      ['input'],
    );
    expect(errors).toEqual([]);
    expect(changes).toEqual({
      externalId: 'crm-1',
      givenName: 'José',
      familyName: "Ørsted-O'Neil Jr.",
      emailAddress: 'Jose@Example.com',
      phoneNumber: '+4930726219941',
      languageCode: 'en-US',
      metadata: { tier: 'gold' },
    });
  });

  it('turns an explicit null into a clear', () => {
    const { changes, errors } = validateCustomerFields(
      { externalId: null, givenName: null, familyName: null, emailAddress: null, phoneNumber: null, languageCode: null, metadata: null },
      ['input'],
    );
    expect(errors).toEqual([]);
    expect(changes).toEqual({
      externalId: null,
      givenName: '',
      familyName: '',
      emailAddress: null,
      phoneNumber: null,
      languageCode: null,
      metadata: null,
    });
  });

  it('treats blank optional text as a clear', () => {
    expect(validateCustomerFields({ emailAddress: '  ', phoneNumber: '', languageCode: ' ' }, ['input']).changes).toEqual({
      emailAddress: null,
      phoneNumber: null,
      languageCode: null,
    });
  });

  it('reports every broken rule at once, with its path and code', () => {
    const { errors } = validateCustomerFields(
      {
        externalId: 'x'.repeat(129),
        givenName: 'Ann3',
        familyName: 'a'.repeat(101),
        emailAddress: 'nope',
        phoneNumber: 'garbage',
        languageCode: 'en_US',
        metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])),
      },
      ['inputs', 3],
    );
    expect(errors.map(({ field, code }) => ({ field, code }))).toEqual([
      { field: ['inputs', '3', 'externalId'], code: 'INVALID' },
      { field: ['inputs', '3', 'givenName'], code: 'INVALID' },
      { field: ['inputs', '3', 'familyName'], code: 'TOO_LONG' },
      { field: ['inputs', '3', 'emailAddress'], code: 'INVALID' },
      { field: ['inputs', '3', 'phoneNumber'], code: 'INVALID' },
      { field: ['inputs', '3', 'languageCode'], code: 'INVALID' },
      { field: ['inputs', '3', 'metadata'], code: 'LIMIT_EXCEEDED' },
    ]);
    for (const error of errors) expect(error.message).not.toBe('');
  });

  it('refuses an e-mail address over 250 characters with TOO_LONG', () => {
    const { errors } = validateCustomerFields({ emailAddress: `${'a'.repeat(64)}@${'b'.repeat(190)}.com` }, ['input']);
    expect(errors).toEqual([expect.objectContaining({ field: ['input', 'emailAddress'], code: 'TOO_LONG' })]);
  });

  it('refuses an empty external id with INVALID', () => {
    const { errors } = validateCustomerFields({ externalId: '' }, ['input']);
    expect(errors).toEqual([expect.objectContaining({ field: ['input', 'externalId'], code: 'INVALID' })]);
  });

  it('refuses metadata over 16 KiB with LIMIT_EXCEEDED', () => {
    const { errors } = validateCustomerFields({ metadata: { v: 'x'.repeat(17 * 1024) } }, ['input']);
    expect(errors).toEqual([expect.objectContaining({ field: ['input', 'metadata'], code: 'LIMIT_EXCEEDED' })]);
  });
});

describe('checkNotBothNamesBlank', () => {
  it('refuses two blank names with BLANK', () => {
    expect(checkNotBothNamesBlank('', '', ['input'])).toEqual(expect.objectContaining({ field: ['input', 'givenName'], code: 'BLANK' }));
  });

  it('accepts one name alone', () => {
    expect(checkNotBothNamesBlank('Zoë', '', ['input'])).toBeNull();
    expect(checkNotBothNamesBlank('', '李', ['input'])).toBeNull();
  });
});
