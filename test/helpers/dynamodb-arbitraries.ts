import fc from 'fast-check';

/** An attribute value in DynamoDB's JSON wire form ({"S": …}, {"N": "1.5"}, {"M": {…}}, …). */
export type WireValue = Record<string, unknown>;
export type WireItem = Record<string, WireValue>;

export interface WireArbitraries {
  readonly attributeValue: fc.Arbitrary<WireValue>;
  readonly wireItem: fc.Arbitrary<WireItem>;
  /** An order image: the order attributes with realistic or odd values, plus other attributes. */
  readonly orderImage: fc.Arbitrary<WireItem>;
  readonly text: fc.Arbitrary<string>;
}

/** Any DynamoDB number text: up to 38 significant digits, any sign, with or without fraction or exponent. */
export const numberText = fc
  .tuple(
    fc.constantFrom('', '-', '+'),
    fc.stringMatching(/^[0-9]{1,38}$/),
    fc.option(fc.stringMatching(/^[0-9]{0,10}$/), { nil: undefined }),
    fc.option(fc.integer({ min: -20, max: 20 }), { nil: undefined }),
  )
  .map(
    ([sign, whole, fraction, exponent]) =>
      `${sign}${whole}${fraction === undefined ? '' : `.${fraction}`}${exponent === undefined ? '' : `e${exponent}`}`,
  );

/**
 * Items of every kind: "wild" ones with any text (escapes, non-ASCII, lone surrogates), any name and any number
 * form DynamoDB accepts; "plain" ones as orders usually are — printable ASCII without quotes or backslashes,
 * names not led by a digit, numbers already in JSON form.
 */
export function wireArbitraries(kind: 'wild' | 'plain'): WireArbitraries {
  const plain = kind === 'plain';
  const text = plain
    ? fc.stringMatching(/^[ !#-[\]-~]{0,16}$/)
    : fc.oneof(
        { weight: 4, arbitrary: fc.string() },
        { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
      );
  const name = plain
    ? fc.stringMatching(/^[A-Za-z_][ !#-[\]-~]{0,11}$/)
    : fc.oneof(
        { weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
        { weight: 1, arbitrary: text },
      );
  const number = plain
    ? fc.stringMatching(/^-?(?:0|[1-9]\d{0,37})(?:\.\d{1,10})?(?:[eE][+-]?\d{1,2})?$/)
    : numberText;
  const base64 = fc.uint8Array({ maxLength: 16 }).map((bytes) => Buffer.from(bytes).toString('base64'));

  const { value: attributeValue, item: wireItem } = fc.letrec<{ value: WireValue; item: WireItem }>(
    (tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        text.map((S) => ({ S })),
        number.map((N) => ({ N })),
        base64.map((B) => ({ B })),
        fc.boolean().map((BOOL) => ({ BOOL })),
        fc.constant({ NULL: true }),
        fc.uniqueArray(text, { minLength: 1, maxLength: 4 }).map((SS) => ({ SS })),
        fc.uniqueArray(number, { minLength: 1, maxLength: 4 }).map((NS) => ({ NS })),
        fc.uniqueArray(base64, { minLength: 1, maxLength: 3 }).map((BS) => ({ BS })),
        tie('item').map((M) => ({ M })),
        fc.array(tie('value'), { maxLength: 4 }).map((L) => ({ L })),
      ),
      item: fc.dictionary(name, tie('value'), { maxKeys: 6 }),
    }),
  );

  const orderImage = fc
    .record(
      {
        orderid: fc.oneof(
          { weight: 8, arbitrary: fc.stringMatching(/^ORD-[0-9A-Z]{12}$/).map((S) => ({ S })) },
          { weight: 1, arbitrary: attributeValue },
        ),
        product_name: fc.oneof(
          fc.constantFrom('Laptop', 'Phone', 'Tablet').map((S) => ({ S })),
          attributeValue,
        ),
        quantity: fc.oneof(
          fc.integer({ min: 1, max: 9 }).map((q) => ({ N: String(q) })),
          attributeValue,
        ),
        price: fc.oneof(
          fc.integer({ min: 100, max: 999_999 }).map((c) => ({ N: (c / 100).toString() })),
          attributeValue,
        ),
        status: fc.constantFrom('PLACED', 'PAID', 'SHIPPED').map((S) => ({ S })),
        customer_id: fc.oneof(fc.constant({ S: 'CUST-00042' }), attributeValue),
        created_at: fc.constant({ S: '2026-11-22T08:26:40.123Z' }),
        updated_at: fc.oneof(fc.constant({ S: '2026-11-22T08:27:01.456Z' }), attributeValue),
      },
      { requiredKeys: ['orderid'] },
    )
    .chain((order) => wireItem.map((extra) => ({ ...extra, ...order })));

  return { attributeValue, wireItem, orderImage, text };
}
