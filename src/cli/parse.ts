import { InvalidArgumentError } from 'commander';

/** Commander's parser for a whole number flag. */
export function integer(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('not a whole number');
  return Number(value);
}
