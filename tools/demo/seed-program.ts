/** Seeds a program through the API, as an admin would, so that it passes the same checks as one typed in. */
import type { ProgramConfig } from '../../domain/model';

/** `PUT /programs/{programId}` unless `GET` finds it there already; throws with the API's answer otherwise. */
export async function seedProgram(
  url: string,
  adminToken: string,
  program: ProgramConfig,
): Promise<'in place' | 'seeded'> {
  const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const programUrl = `${url}/programs/${encodeURIComponent(program.programId)}`;
  const existing = await fetch(programUrl, { headers });
  if (existing.status === 200) return 'in place';
  if (existing.status !== 404) {
    throw new Error(
      `checking program ${program.programId} answered ${existing.status}: ${(await existing.text()).slice(0, 300)}`,
    );
  }
  const created = await fetch(programUrl, { method: 'PUT', headers, body: JSON.stringify(program) });
  if (!created.ok) {
    throw new Error(
      `seeding program ${program.programId} answered ${created.status}: ${(await created.text()).slice(0, 300)}`,
    );
  }
  return 'seeded';
}
