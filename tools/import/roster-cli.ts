/**
 * `npm run import:roster -- FILE.xlsx|FILE.csv --county C --kind relocation --year 2019 --title "..." --user U`:
 * imports an outside roster (relocation, past-beneficiary, minimum-living-guarantee, extremely-poor) for the county,
 * in parts of 1,000 rows, and prints every row not taken. Exit code 0 when every row was taken, 1 otherwise.
 */
import { Command } from 'commander';
import { ROSTER_KINDS, type RosterKind } from '../../domain/rules/persons';
import { importRoster } from './rosters';

const cli = new Command()
  .name('import:roster')
  .description('导入外部名单（易地扶贫搬迁、往年受助、低保、特困）/ import an outside roster')
  .argument('<file>', 'the roster sheet (.xlsx, first worksheet, or UTF-8 .csv): 姓名, 身份证号 [, 村, 年度, 备注]')
  .requiredOption('--county <code>', 'the county the roster belongs to')
  .requiredOption('--kind <kind>', `one of ${ROSTER_KINDS.join(', ')}`)
  .requiredOption('--year <year>', 'the roster year')
  .requiredOption('--title <title>', 'where the roster comes from, as reviewers should read it')
  .option('--url <url>', 'the API base URL', 'http://127.0.0.1:3000')
  .requiredOption('--user <username>', 'a county-level civil-affairs or construction user')
  .parse();

const [file = ''] = cli.args;
const options = cli.opts<{ county: string; kind: string; year: string; title: string; url: string; user: string }>();
if (!(ROSTER_KINDS as readonly string[]).includes(options.kind))
  cli.error(`--kind must be one of ${ROSTER_KINDS.join(', ')}`);

try {
  const summary = await importRoster({
    file,
    url: options.url.replace(/\/+$/, ''),
    username: options.user,
    county: options.county,
    kind: options.kind as RosterKind,
    year: Number(options.year),
    title: options.title,
  });
  for (const error of summary.errors) {
    process.stdout.write(`第 ${error.line} 行 ${error.field || '整行'}: ${error.message.zh} (${error.message.en})\n`);
  }
  process.stdout.write(
    `导入 ${summary.entries} 人，${summary.rosters.length} 份名单，未导入 ${summary.errors.length} 处 / ` +
      `${summary.entries} persons imported in ${summary.rosters.length} part(s), ${summary.errors.length} row problem(s)\n`,
  );
  process.exitCode = summary.errors.length === 0 ? 0 : 1;
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
