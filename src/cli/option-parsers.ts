import { InvalidArgumentError } from 'commander';

/** commander argument parsers: each rejects bad input with the value and the expected form. */

export function parsePositiveInt(name: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number <= 0)
      throw new InvalidArgumentError(`${name} must be a whole number > 0, got ${JSON.stringify(value)}.`);
    return number;
  };
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new InvalidArgumentError(`a port is a whole number from 1 to 65535, got ${JSON.stringify(value)}.`);
  }
  return port;
}

/** `--rate`: changes per second > 0, or `max`. */
export function parseRate(value: string): number | 'max' {
  if (value === 'max') return 'max';
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate <= 0) {
    throw new InvalidArgumentError(
      `--rate is changes per second (a number > 0, e.g. 10 or 0.5) or "max", got ${JSON.stringify(value)}.`,
    );
  }
  return rate;
}

/** `--seed`: kept as a number when it is one, so `--seed 42` and `seed: 42` plan the same changes. */
export function parseSeed(value: string): string | number {
  const number = Number(value);
  return value.trim() !== '' && Number.isSafeInteger(number) ? number : value;
}

/** A whole number of `unit` within [min, max], e.g. `--buffer-interval` in seconds from 0 to 900. */
export function parseWholeInRange(name: string, unit: string, min: number, max: number, note = '') {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < min || number > max) {
      throw new InvalidArgumentError(
        `${name} is whole ${unit} from ${min} to ${max}${note}, got ${JSON.stringify(value)}.`,
      );
    }
    return number;
  };
}
