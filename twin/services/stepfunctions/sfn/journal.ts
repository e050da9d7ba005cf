/**
 * The append-only journal of the local Step Functions service (`journal.jsonl`, one complete JSON record per line).
 * It is what survives a restart: which executions were running, their input, and the last callback task each one
 * was parked on, so that `recover()` can start them again where they were. Tokens are never written: a restart
 * always mints new ones.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isRecord } from '../../../json';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export type StartRecord = {
  t: 'start';
  arn: string;
  name: string;
  stateMachineArn: string;
  input: string;
  startDate: number;
  /** When the execution times out, if not a year after `startDate` (a recovered execution keeps its first one). */
  deadline?: number;
};
export type ParkRecord = { t: 'park'; executionArn: string; state: string; payload: unknown; at: number };
export type EndRecord = {
  t: 'end';
  executionArn: string;
  status: Exclude<ExecutionStatus, 'RUNNING'>;
  stopDate: number;
  output?: string;
  error?: string;
  cause?: string;
};
export type JournalRecord = StartRecord | ParkRecord | EndRecord;

export interface JournaledExecution {
  start: StartRecord;
  lastPark?: ParkRecord;
  end?: EndRecord;
}

export interface JournalContents {
  /** Executions in journal order. */
  executions: Map<string, JournaledExecution>;
  /** Lines that were not complete records (a torn last line after a crash). */
  skippedLines: number;
}

function isJournalRecord(value: unknown): value is JournalRecord {
  if (!isRecord(value)) return false;
  const record = value;
  if (record.t === 'start') return typeof record.arn === 'string' && typeof record.input === 'string';
  if (record.t === 'park' || record.t === 'end') return typeof record.executionArn === 'string';
  return false;
}

export function readJournal(file: string): JournalContents {
  const executions = new Map<string, JournaledExecution>();
  let skippedLines = 0;
  if (!fs.existsSync(file)) return { executions, skippedLines };
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      skippedLines++;
      continue;
    }
    if (!isJournalRecord(record)) {
      skippedLines++;
      continue;
    }
    if (record.t === 'start') {
      executions.set(record.arn, { start: record });
      continue;
    }
    const execution = executions.get(record.executionArn);
    if (!execution) continue;
    if (record.t === 'park') execution.lastPark = record;
    else execution.end = record;
  }
  return { executions, skippedLines };
}

export class Journal {
  private fd: number | undefined;

  private constructor(readonly file: string) {}

  /**
   * Reads the journal, then rewrites it with only the unfinished executions and the `keepFinished` most recently
   * finished ones (so names stay unique and DescribeExecution keeps answering for them), and opens it for appends.
   */
  static open(dir: string, keepFinished: number): { journal: Journal; contents: JournalContents } {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'journal.jsonl');
    const contents = readJournal(file);
    const finished = [...contents.executions.values()]
      .filter((execution) => execution.end !== undefined)
      .sort((a, b) => (a.end?.stopDate ?? 0) - (b.end?.stopDate ?? 0));
    const dropped = new Set(finished.slice(0, Math.max(0, finished.length - keepFinished)).map((e) => e.start.arn));
    const lines: string[] = [];
    for (const [arn, execution] of contents.executions) {
      if (dropped.has(arn)) {
        contents.executions.delete(arn);
        continue;
      }
      lines.push(JSON.stringify(execution.start));
      if (execution.lastPark) lines.push(JSON.stringify(execution.lastPark));
      if (execution.end) lines.push(JSON.stringify(execution.end));
    }
    const temporary = `${file}.compacting`;
    fs.writeFileSync(temporary, lines.length > 0 ? `${lines.join('\n')}\n` : '');
    fs.renameSync(temporary, file);
    const journal = new Journal(file);
    journal.fd = fs.openSync(file, 'a');
    return { journal, contents };
  }

  /** Appends one record with a single write, so a crash tears at most the last line. */
  append(record: JournalRecord): void {
    if (this.fd === undefined) return;
    fs.writeSync(this.fd, `${JSON.stringify(record)}\n`);
  }

  close(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
