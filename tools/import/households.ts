/**
 * Bulk registration through the HTTP API, as a person at a desk would do it one by one:
 * 1. log in (local dev login) and read the program, so rows are checked against its villages;
 * 2. check every row (domain/import) and report every bad one before registering anything;
 * 3. register the good rows with `POST /households`, a few at a time, each with an
 *    Idempotency-Key derived from the program and the ID number: running the same file again
 *    registers nothing new; an ID number claimed by another household (409: already subsidized or
 *    applied for) is a refused row with its line;
 * 4. sum up: registered, already registered, refused by the API, bad rows.
 */
import { createHash } from 'node:crypto';
import type { Bilingual } from '../../domain/errors';
import { type ImportError, parseHouseholdRows } from '../../domain/import';
import { type HouseholdApplication, ProgramConfig } from '../../domain/model';
import { readImportFile } from './file';

export interface ImportOptions {
  file: string;
  programId: string;
  url: string;
  username: string;
  /** Registrations in flight at once. */
  concurrency?: number;
}

export type RowOutcome = 'registered' | 'existing' | 'failed';

export interface ImportProgress {
  onStart(total: number): void;
  onRow(outcome: RowOutcome, counts: ImportCounts): void;
  onStop(): void;
}

export interface ImportCounts {
  registered: number;
  existing: number;
  failed: number;
}

export interface ImportSummary extends ImportCounts {
  rows: number;
  invalid: ImportError[];
  /** Rows the API refused (other than "already registered"). */
  refused: { line: number; status: number; message: Bilingual }[];
}

/** `import-{program}-{first 32 hex of sha256(program/ID)}`: stable per household, no ID number in the key. */
export function importIdempotencyKey(programId: string, idNumber: string): string {
  const digest = createHash('sha256').update(`${programId}/${idNumber}`, 'utf8').digest('hex');
  return `import-${programId}-${digest.slice(0, 32)}`;
}

const RETRIES = 3;

async function login(url: string, username: string): Promise<string> {
  const response = await fetch(`${url}/auth/dev-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  if (!response.ok) throw new Error(`login of ${username} answered ${response.status}: ${await response.text()}`);
  const { token } = (await response.json()) as { token?: unknown };
  if (typeof token !== 'string') throw new Error('the login answer carries no token');
  return token;
}

async function readProgram(url: string, token: string, programId: string): Promise<ProgramConfig> {
  const response = await fetch(`${url}/programs/${encodeURIComponent(programId)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!response.ok) throw new Error(`reading program ${programId} answered ${response.status}`);
  return ProgramConfig.parse(await response.json());
}

function messageOf(body: unknown, status: number): Bilingual {
  if (typeof body === 'object' && body !== null && 'message' in body) {
    const { message } = body as { message: unknown };
    if (typeof message === 'object' && message !== null && 'zh' in message && 'en' in message) {
      return { zh: String(message.zh), en: String(message.en) };
    }
  }
  return { zh: `接口返回 ${status}`, en: `The API answered ${status}` };
}

interface Registration {
  outcome: RowOutcome;
  status: number;
  message?: Bilingual;
}

/** One registration, retried on throttling, server errors and lost connections (the key makes that safe). */
async function register(url: string, token: string, application: HouseholdApplication): Promise<Registration> {
  let last: Registration = { outcome: 'failed', status: 0 };
  for (let attempt = 0; attempt <= RETRIES; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
    let response: Response;
    try {
      response = await fetch(`${url}/households`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': importIdempotencyKey(application.programId, application.head.idNumber),
        },
        body: JSON.stringify(application),
      });
    } catch (error) {
      last = { outcome: 'failed', status: 0, message: { zh: '连接失败', en: String(error) } };
      continue;
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (response.status === 201) {
      const replay = response.headers.get('idempotent-replay') === 'true';
      return { outcome: replay ? 'existing' : 'registered', status: 201 };
    }
    // 422: this program and ID number were registered before (by an earlier import) from a row with
    // other details: the household exists. A 409 is another household's claim on the ID number (an
    // application by hand, or a subsidy in another program or year): the row is refused with the
    // API's reason, which names that household (no second subsidy).
    if (response.status === 422) return { outcome: 'existing', status: response.status };
    last = { outcome: 'failed', status: response.status, message: messageOf(body, response.status) };
    if (response.status !== 429 && response.status < 500) return last;
  }
  return last;
}

const silent: ImportProgress = { onStart() {}, onRow() {}, onStop() {} };

export async function importHouseholds(
  options: ImportOptions,
  progress: ImportProgress = silent,
): Promise<ImportSummary> {
  const file = await readImportFile(options.file);
  const token = await login(options.url, options.username);
  const program = await readProgram(options.url, token, options.programId);
  const checked = parseHouseholdRows(file.rows, program, { lines: file.lines });
  const invalid: ImportError[] = [
    ...file.unreadable.map(({ line, message }) => ({ line, field: '', message })),
    ...checked.errors,
  ].sort((a, b) => a.line - b.line);

  const counts: ImportCounts = { registered: 0, existing: 0, failed: 0 };
  const refused: ImportSummary['refused'] = [];
  progress.onStart(checked.valid.length);
  let next = 0;
  const worker = async () => {
    for (let item = checked.valid[next++]; item !== undefined; item = checked.valid[next++]) {
      const answer = await register(options.url, token, item.application);
      counts[answer.outcome] += 1;
      if (answer.outcome === 'failed') {
        refused.push({
          line: item.line,
          status: answer.status,
          message: answer.message ?? { zh: '登记失败', en: 'Registration failed' },
        });
      }
      progress.onRow(answer.outcome, counts);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  } finally {
    progress.onStop();
  }
  refused.sort((a, b) => a.line - b.line);
  return { rows: file.rows.length + file.unreadable.length, ...counts, invalid, refused };
}
