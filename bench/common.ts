/**
 * Shared pieces of the benchmarks: flags, percentiles, a bounded worker pool, process-tree RSS.
 * Benchmarks run on demand (`npm run bench*`), never under `npm test`, and talk only to 127.0.0.1.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Reads `--name value` integer flags; anything else is refused so a typo does not run the default silently. */
export function intFlags<T extends Record<string, number>>(argv: readonly string[], defaults: T): T {
  const values: Record<string, number> = { ...defaults };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i] ?? '';
    const name = flag.replace(/^--/, '');
    const raw = argv[i + 1];
    if (!flag.startsWith('--') || !(name in defaults) || raw === undefined) {
      throw new Error(`unknown or incomplete flag ${flag}; known: ${Object.keys(defaults).map((k) => `--${k} N`)}`);
    }
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} needs a non-negative integer, got ${raw}`);
    values[name] = value;
    i += 1;
  }
  return values as T;
}

/** Nearest-rank percentile of already sorted numbers. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function summarize(values: readonly number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** Runs `work(i)` for i in [0, count) with at most `concurrency` in flight; the first error stops new work. */
export async function pool(count: number, concurrency: number, work: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && next < count) {
      const index = next;
      next += 1;
      try {
        await work(index);
      } catch (error) {
        failed ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  if (failed !== undefined) throw failed;
}

function rssKiB(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function childrenOf(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name may hold spaces and parentheses: the parent pid is the second field after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

/**
 * Resident memory of a process and all its descendants (Linux /proc), in MiB, in total and by command name
 * (`node` for the stack, `java` for DynamoDB Local; `tsx`'s launcher is a `node` too).
 */
export function treeRssMiB(rootPid: number): { tree: number; byCommand: Map<string, number>; processes: number } {
  const children = childrenOf();
  let total = 0;
  let processes = 0;
  const byCommand = new Map<string, number>();
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop() ?? 0;
    const kib = rssKiB(pid);
    total += kib;
    processes += 1;
    const command = commandOf(pid);
    byCommand.set(command, (byCommand.get(command) ?? 0) + kib / 1024);
    stack.push(...(children.get(pid) ?? []));
  }
  return { tree: total / 1024, byCommand, processes };
}

export const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

/** A plain-text table with right-aligned numbers. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
