import { parseArgs } from 'node:util';
import { closest, didYouMean } from '../server/engine/util/didYouMean';
import { UsageError } from './io';

type Config = NonNullable<Parameters<typeof parseArgs>[0]>;

/**
 * `parseArgs`, where an option the command does not know is a usage error that names the closest
 * one it does (`unknown option "--jsn"; did you mean "--json"?`).
 */
export function commandArgs<T extends Config>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    const unknown = err instanceof Error && 'code' in err && err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'(-[^']*)'/.exec(err.message)?.[1] : undefined;
    if (unknown === undefined) throw err;
    const names = Object.entries(config.options ?? {}).flatMap(([name, o]) => [`--${name}`, ...(o.short === undefined ? [] : [`-${o.short}`])]);
    // A long option gets the closest long one; a one-letter slip is as close to every letter.
    const near = unknown.startsWith('--') ? closest(unknown, names.filter((n) => n.startsWith('--'))) : [];
    const hint = names.length === 0 ? ' (this command takes no options)' : didYouMean(near) || ` (options: ${names.join(', ')})`;
    throw new UsageError(`unknown option "${unknown}"${hint}`);
  }
}
