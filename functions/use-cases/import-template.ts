/**
 * The household ledger template for bulk import (`GET /households/import-template`): the sheet a
 * county fills in (the import's columns in order, the required ones marked, one example row), a
 * sheet saying what each column takes, and, for a program, the townships, villages and centralized
 * sites the rows may name. The columns and their words are the import's own (domain/import), so the
 * template and the import never disagree.
 */
import ExcelJS from 'exceljs';
import { ImportTemplateQuery } from '../../contract/requests';
import { ForbiddenError, NotFoundError, parseOrThrow } from '../../domain/errors';
import { IMPORT_TEMPLATE } from '../../domain/import';
import { GRADE_TITLES } from '../../domain/labels';
import type { Actor, ProgramConfig } from '../../domain/model';
import { gradesOf } from '../../domain/rules/grades';
import type { Dependencies } from './dependencies';

export interface TemplateFile {
  filename: string;
  content: Buffer;
}

/** The template workbook, for a program when one is given. */
export async function importTemplateWorkbook(program?: ProgramConfig): Promise<TemplateFile> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('农户台账');
  const header = sheet.addRow(IMPORT_TEMPLATE.map((c) => c.header));
  header.font = { bold: true };
  IMPORT_TEMPLATE.forEach((column, index) => {
    const cell = header.getCell(index + 1);
    if (column.required) cell.font = { bold: true, color: { argb: 'FFC00000' } };
    cell.note = `${column.required ? '必填。' : '选填。'}${column.description}`;
    // ID numbers and accounts as text: Excel would round an 18-digit number.
    sheet.getColumn(index + 1).numFmt = '@';
    sheet.getColumn(index + 1).width = Math.max(10, column.header.length * 2 + 4);
  });
  sheet.addRow(IMPORT_TEMPLATE.map((c) => c.example));
  sheet.views = [{ state: 'frozen', ySplit: 1 }];

  const notes = workbook.addWorksheet('填写说明');
  notes.addRow(['列名', '是否必填', '填写说明', '示例']).font = { bold: true };
  for (const column of IMPORT_TEMPLATE) {
    notes.addRow([column.header, column.required ? '必填' : '选填', column.description, column.example]);
  }
  notes.addRow([]);
  notes.addRow(['表头上方可以有标题行；模板以外的列会在导入时提示，不会导入。']);
  notes.getColumn(1).width = 20;
  notes.getColumn(3).width = 80;
  notes.getColumn(4).width = 30;

  if (program) {
    const places = workbook.addWorksheet('乡镇村及建房点');
    places.addRow([`${program.name}`]).font = { bold: true };
    places.addRow(['乡镇', '乡镇代码', '村', '村代码', '建房点']).font = { bold: true };
    for (const township of program.townships) {
      for (const village of township.villages) {
        const sites = program.sites.filter((s) => s.villages.includes(village.code)).map((s) => s.name);
        places.addRow([township.name, township.code, village.name, village.code, sites.join('、')]);
      }
    }
    places.addRow([]);
    places.addRow([
      '本项目鉴定等级',
      gradesOf(program)
        .map((g) => GRADE_TITLES[g].zh)
        .join('、'),
    ]);
    for (const column of [1, 3, 5]) places.getColumn(column).width = 18;
    for (const column of [2, 4]) places.getColumn(column).width = 16;
  }
  const content = Buffer.from(await workbook.xlsx.writeBuffer());
  return { filename: `household-import-template${program ? `-${program.programId}` : ''}.xlsx`, content };
}

/** `GET /households/import-template?program=`: anyone signed in; a program's sheet only within its county. */
export async function importTemplateFor(
  { store }: Pick<Dependencies, 'store'>,
  actor: Actor,
  rawQuery: unknown,
): Promise<TemplateFile> {
  const { program: programId } = parseOrThrow(ImportTemplateQuery, rawQuery);
  if (programId === undefined) return importTemplateWorkbook();
  const program = await store.programs.get(programId);
  if (!program) {
    throw new NotFoundError({ zh: `改造项目 ${programId} 不存在`, en: `There is no program ${programId}` });
  }
  if (actor.county !== program.county.code) {
    throw new ForbiddenError({ zh: '该项目不在您所属的县', en: 'The program is outside your county' });
  }
  return importTemplateWorkbook(program);
}
