import { InvalidOptionError } from '../errors/pipeline-error.ts';
import { CHANGE_KINDS, type ChangeKind } from './order.ts';

/** Percentages of each change kind; they add up to 100. */
export type ChangeMix = Readonly<Record<ChangeKind, number>>;

export const DEFAULT_MIX: ChangeMix = { insert: 55, update: 35, delete: 10 };

/**
 * Parses `insert=60,update=30,delete=10`. Kinds left out count as 0; the total must be 100 and inserts must be
 * possible (without inserts there is never an order to update or delete).
 */
export function parseChangeMix(text: string): ChangeMix {
  const mix: Record<ChangeKind, number> = { insert: 0, update: 0, delete: 0 };
  const fix = 'Write it as insert=60,update=30,delete=10 (percentages adding up to 100).';
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name = '', value = '', ...rest] = part.split('=').map((p) => p.trim());
    if (!isKind(name) || rest.length > 0) {
      throw new InvalidOptionError(
        'generator',
        `--mix: unknown part ${JSON.stringify(part)}; kinds are ${CHANGE_KINDS.join(', ')}. ${fix}`,
      );
    }
    const percent = Number(value);
    if (value === '' || !Number.isFinite(percent) || percent < 0) {
      throw new InvalidOptionError(
        'generator',
        `--mix: ${name}=${JSON.stringify(value)} is not a percentage >= 0. ${fix}`,
      );
    }
    mix[name] = percent;
  }
  const total = CHANGE_KINDS.reduce((sum, kind) => sum + mix[kind], 0);
  if (Math.abs(total - 100) > 1e-9) {
    throw new InvalidOptionError(
      'generator',
      `--mix ${JSON.stringify(text)} adds up to ${total}, not 100. ${fix}`,
    );
  }
  if (mix.insert === 0) {
    throw new InvalidOptionError(
      'generator',
      `--mix ${JSON.stringify(text)} has no inserts, so there is nothing to update or delete. ${fix}`,
    );
  }
  return mix;
}

export function formatChangeMix(mix: ChangeMix): string {
  return CHANGE_KINDS.map((kind) => `${kind}=${mix[kind]}`).join(',');
}

function isKind(name: string): name is ChangeKind {
  return (CHANGE_KINDS as readonly string[]).includes(name);
}
