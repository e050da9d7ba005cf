/**
 * `npx tsx tools/import/cli.ts FILE.xlsx|FILE.csv --program P --url http://127.0.0.1:3000 --user U`
 * (or `npm run import -- ...`): checks every row of a county's application sheet, reports each bad
 * row, registers the good ones through the API with a progress bar, and prints a summary. Exit
 * code 0 when every row is registered or already was, 1 otherwise.
 */

import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { importHouseholds } from './households';

const cli = new Command()
  .name('import')
  .description('批量导入危改申请 / bulk import of renovation applications')
  .argument('<file>', 'the application sheet (.xlsx, first worksheet, or UTF-8 .csv)')
  .requiredOption('--program <programId>', 'the program the households apply to')
  .option('--url <url>', 'the API base URL', 'http://127.0.0.1:3000')
  .requiredOption('--user <username>', 'a civil-affairs (or construction) user of the county or township')
  .option('--concurrency <n>', 'registrations in flight at once', '4')
  .parse();

const [file = ''] = cli.args;
const options = cli.opts<{ program: string; url: string; user: string; concurrency: string }>();
const concurrency = Number(options.concurrency);
if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) {
  cli.error('--concurrency must be a whole number from 1 to 32');
}

const bar = new cliProgress.SingleBar(
  {
    format:
      '登记 {bar} {value}/{total} | 新登记 {registered} 已存在 {existing} 失败 {failed} | {speed} 户/秒 | {eta_formatted}',
    hideCursor: true,
  },
  cliProgress.Presets.shades_classic,
);
let startedAt = Date.now();

try {
  const summary = await importHouseholds(
    { file, programId: options.program, url: options.url.replace(/\/+$/, ''), username: options.user, concurrency },
    {
      onStart(total) {
        startedAt = Date.now();
        bar.start(total, 0, { registered: 0, existing: 0, failed: 0, speed: '0.0' });
      },
      onRow(_outcome, counts) {
        const done = counts.registered + counts.existing + counts.failed;
        const speed = (done / Math.max(0.001, (Date.now() - startedAt) / 1000)).toFixed(1);
        bar.update(done, { ...counts, speed });
      },
      onStop() {
        bar.stop();
      },
    },
  );
  for (const error of summary.invalid) {
    process.stdout.write(`第 ${error.line} 行 ${error.field || '整行'}: ${error.message.zh} (${error.message.en})\n`);
  }
  for (const refusal of summary.refused) {
    process.stdout.write(
      `第 ${refusal.line} 行 登记失败 ${refusal.status}: ${refusal.message.zh} (${refusal.message.en})\n`,
    );
  }
  const badLines = new Set(summary.invalid.map((e) => e.line)).size;
  process.stdout.write(
    `共 ${summary.rows} 行：新登记 ${summary.registered}，已登记 ${summary.existing}，登记失败 ${summary.failed}，数据有误 ${badLines}\n` +
      `IMPORT_SUMMARY ${JSON.stringify({
        rows: summary.rows,
        registered: summary.registered,
        existing: summary.existing,
        failed: summary.failed,
        invalidLines: [...new Set(summary.invalid.map((e) => e.line))],
      })}\n`,
  );
  process.exitCode = summary.failed === 0 && badLines === 0 ? 0 : 1;
} catch (error) {
  bar.stop();
  process.stderr.write(`import failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
