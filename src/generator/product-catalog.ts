/** A gadget the generator sells, with a realistic unit-price range in cents and how often it sells. */
export interface Product {
  readonly name: string;
  readonly minPriceCents: number;
  readonly maxPriceCents: number;
  readonly maxQuantity: number;
  /** Relative popularity. */
  readonly weight: number;
}

export const PRODUCT_CATALOG: readonly Product[] = [
  { name: 'Laptop', minPriceCents: 49_900, maxPriceCents: 249_900, maxQuantity: 2, weight: 10 },
  { name: 'Phone', minPriceCents: 19_900, maxPriceCents: 139_900, maxQuantity: 2, weight: 14 },
  { name: 'Tablet', minPriceCents: 12_900, maxPriceCents: 109_900, maxQuantity: 2, weight: 8 },
  { name: 'Headphones', minPriceCents: 1_999, maxPriceCents: 44_999, maxQuantity: 3, weight: 12 },
  { name: 'Charger', minPriceCents: 999, maxPriceCents: 7_999, maxQuantity: 6, weight: 14 },
  { name: 'Smartwatch', minPriceCents: 9_900, maxPriceCents: 79_900, maxQuantity: 2, weight: 7 },
  { name: 'Monitor', minPriceCents: 12_900, maxPriceCents: 99_900, maxQuantity: 3, weight: 5 },
  { name: 'Keyboard', minPriceCents: 1_999, maxPriceCents: 19_999, maxQuantity: 4, weight: 6 },
  { name: 'Mouse', minPriceCents: 999, maxPriceCents: 12_999, maxQuantity: 4, weight: 7 },
  { name: 'Speaker', minPriceCents: 2_999, maxPriceCents: 39_999, maxQuantity: 3, weight: 5 },
  { name: 'Camera', minPriceCents: 29_900, maxPriceCents: 249_900, maxQuantity: 1, weight: 3 },
  { name: 'Game Console', minPriceCents: 29_900, maxPriceCents: 69_900, maxQuantity: 1, weight: 4 },
  { name: 'E-Reader', minPriceCents: 8_999, maxPriceCents: 27_999, maxQuantity: 2, weight: 3 },
  { name: 'Power Bank', minPriceCents: 1_999, maxPriceCents: 9_999, maxQuantity: 5, weight: 6 },
];

/** Exact decimal text for an amount in cents: 129999 → "1299.99". Never goes through a float. */
export function centsToDecimal(cents: number): string {
  const whole = Math.floor(cents / 100);
  const fraction = String(cents % 100).padStart(2, '0');
  return `${whole}.${fraction}`;
}
