import {
  applyMergePatch,
  canonicalLanguageTag,
  caseKey,
  checkEmailAddress,
  checkExternalId,
  checkLanguageCode,
  checkMetadata,
  checkName,
  checkPhoneNumber,
  normalizePhoneNumber,
} from '../../src/domain/field.rules';

/** A syntactically valid address of exactly `length` characters. */
function emailOfLength(length: number): string {
  const local = 'l'.repeat(64);
  const tld = '.com';
  let remaining = length - local.length - 1 - tld.length;
  const labels: string[] = [];
  while (remaining > 0) {
    const size = Math.min(60, remaining === 61 ? 59 : remaining);
    labels.push('d'.repeat(size));
    remaining -= size + 1;
  }
  const address = `${local}@${labels.join('.')}${tld}`;
  if (address.length !== length) throw new Error(`built ${address.length} characters, wanted ${length}`);
  return address;
}

describe('checkName', () => {
  it.each(['Zoë', 'José', '李', "Ørsted-O'Neil Jr.", 'Zoë'.normalize('NFD'), 'ศรี', 'Mary Ann', 'D’Arcy', 'Анна'])(
    'accepts letters of any script: %s',
    (name) => {
      expect(checkName(name, 'Given name')).toEqual({ ok: true, value: name });
    },
  );

  it('trims surrounding spaces', () => {
    expect(checkName('  Zoë  ', 'Given name')).toEqual({ ok: true, value: 'Zoë' });
  });

  it('accepts 100 characters, counted as code points', () => {
    expect(checkName('a'.repeat(100), 'Given name').ok).toBe(true);
    expect(checkName('李'.repeat(100), 'Given name').ok).toBe(true);
    expect(checkName('𠀀'.repeat(100), 'Given name').ok).toBe(true);
  });

  it('refuses more than 100 characters with TOO_LONG', () => {
    expect(checkName('a'.repeat(101), 'Family name')).toMatchObject({ ok: false, code: 'TOO_LONG' });
    expect(checkName('𠀀'.repeat(101), 'Family name')).toMatchObject({ ok: false, code: 'TOO_LONG' });
  });

  it.each(['Ann3', '007', 'Ann 😀', '😀', 'Ann@home', 'Ann_B', 'Ann\u0000', 'Ann\nB', 'A\uD800'])('refuses %j with INVALID', (name) => {
    const result = checkName(name, 'Given name');
    expect(result).toMatchObject({ ok: false, code: 'INVALID' });
    if (!result.ok) expect(result.message).toMatch(/^Given name/);
  });
});

describe('checkEmailAddress', () => {
  it('accepts a valid address and keeps it as given', () => {
    expect(checkEmailAddress('Zoe.Smith@Example.COM')).toEqual({ ok: true, value: 'Zoe.Smith@Example.COM' });
  });

  it('accepts 250 characters', () => {
    expect(checkEmailAddress(emailOfLength(250))).toMatchObject({ ok: true });
  });

  it('refuses more than 250 characters with TOO_LONG', () => {
    expect(checkEmailAddress(emailOfLength(251))).toMatchObject({ ok: false, code: 'TOO_LONG' });
  });

  it.each(['not-an-email', 'a@b', 'a b@c.com', 'a@@b.com', '@example.com', 'zoe@', 'zoe@exa mple.com'])(
    'refuses %j with INVALID',
    (email) => {
      expect(checkEmailAddress(email)).toMatchObject({ ok: false, code: 'INVALID' });
    },
  );
});

describe('checkPhoneNumber', () => {
  it('stores an international number as E.164', () => {
    expect(checkPhoneNumber('+49 30 726219941')).toEqual({ ok: true, value: '+4930726219941' });
    expect(checkPhoneNumber('+1 (415) 555-2671')).toEqual({ ok: true, value: '+14155552671' });
    expect(normalizePhoneNumber(' +44 20 7946 0958 ')).toBe('+442079460958');
  });

  it.each(['garbage', '+49', '12345', '030 726219941', '+49 30 7262199411234567', '+0 000', ''])('refuses %j with INVALID', (phone) => {
    expect(checkPhoneNumber(phone)).toMatchObject({ ok: false, code: 'INVALID' });
  });
});

describe('checkLanguageCode', () => {
  it.each([
    ['en-us', 'en-US'],
    ['EN', 'en'],
    ['de-ch', 'de-CH'],
    ['zh-hant-tw', 'zh-Hant-TW'],
    ['en-US', 'en-US'],
  ])('canonicalises %s to %s', (raw, canonical) => {
    expect(checkLanguageCode(raw)).toEqual({ ok: true, value: canonical });
    expect(canonicalLanguageTag(raw)).toBe(canonical);
  });

  it.each(['en_US', 'en-', '123', 'xx-invalid-!!', '', ' ', 'a'.repeat(40)])('refuses %j with INVALID', (raw) => {
    expect(checkLanguageCode(raw)).toMatchObject({ ok: false, code: 'INVALID' });
  });
});

describe('checkExternalId', () => {
  it('accepts 1 to 128 characters', () => {
    expect(checkExternalId('a')).toEqual({ ok: true, value: 'a' });
    expect(checkExternalId('x'.repeat(128))).toMatchObject({ ok: true });
    expect(checkExternalId('crm:42/Ä')).toEqual({ ok: true, value: 'crm:42/Ä' });
  });

  it('keeps surrounding spaces: a padded id is another id, and its spaces count towards the length', () => {
    expect(checkExternalId('  a1 ')).toEqual({ ok: true, value: '  a1 ' });
    expect(checkExternalId(` ${'x'.repeat(126)} `)).toMatchObject({ ok: true });
    expect(checkExternalId(` ${'x'.repeat(127)} `)).toMatchObject({ ok: false, code: 'INVALID' });
  });

  it.each([
    ['empty', ''],
    ['129 characters', 'x'.repeat(129)],
    ['blank', '   '],
    ['a control character', 'a\nb'],
  ])('refuses %s with INVALID', (_label, raw) => {
    expect(checkExternalId(raw)).toMatchObject({ ok: false, code: 'INVALID' });
  });
});

describe('checkMetadata', () => {
  const withKeys = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]));

  it('accepts 50 keys', () => {
    expect(checkMetadata(withKeys(50))).toMatchObject({ ok: true });
  });

  it('refuses more than 50 keys with LIMIT_EXCEEDED', () => {
    expect(checkMetadata(withKeys(51))).toMatchObject({ ok: false, code: 'LIMIT_EXCEEDED' });
  });

  it('accepts exactly 16 KiB serialised', () => {
    const value = { v: 'x'.repeat(16 * 1024 - '{"v":""}'.length) };
    expect(Buffer.byteLength(JSON.stringify(value))).toBe(16 * 1024);
    expect(checkMetadata(value)).toMatchObject({ ok: true });
  });

  it('refuses more than 16 KiB serialised with LIMIT_EXCEEDED, counting bytes', () => {
    expect(checkMetadata({ v: 'x'.repeat(16 * 1024) })).toMatchObject({ ok: false, code: 'LIMIT_EXCEEDED' });
    // 6000 three-byte characters: 6000 characters but 18000 bytes.
    expect(checkMetadata({ v: '李'.repeat(6000) })).toMatchObject({ ok: false, code: 'LIMIT_EXCEEDED' });
  });
});

describe('applyMergePatch (RFC 7396)', () => {
  // The examples of RFC 7396, appendix A.
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('patches %j with %j into %j', (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it('does not change the target it was given', () => {
    const target = { a: { b: 1 }, c: 2 };
    applyMergePatch(target, { a: { b: null }, c: null });
    expect(target).toEqual({ a: { b: 1 }, c: 2 });
  });
});

describe('caseKey', () => {
  it('lower-cases text of any script', () => {
    expect(caseKey('Zoë ØRSTED Ñandú Анна')).toBe('zoë ørsted ñandú анна');
  });

  it('never makes a key longer than its value (İ lower-cases to one character)', () => {
    expect(caseKey('İSTANBUL')).toBe('istanbul');
    const value = 'İ'.repeat(100);
    expect([...caseKey(value)]).toHaveLength(100);
  });
});
