/**
 * The grade scheme of a program (domain.md, "Who is eligible"): which grades a technician may give,
 * which of them qualify for a subsidy, and which mode each usually takes. Two schemes: A–D of
 * today's appraisal standard (C and D qualify), and 一级 / 二级 / 三级危房 of seed 004's time (all
 * three qualify; 一级 is rebuilt, 二级 and 三级 repaired). A county may override the rules per grade.
 */
import type { Bilingual } from '../errors';
import {
  DEFAULT_GRADE_RULES,
  type Grade,
  type GradeRule,
  type GradeScheme,
  type Mode,
  type ProgramConfig,
  SCHEME_GRADES,
} from '../model';

export type GradeSchemeOf = Partial<Pick<ProgramConfig, 'gradeScheme' | 'gradeRules'>>;

/** The names of grades as a county writes them (English in the middle of a sentence). */
export const GRADE_NAMES: Readonly<Record<Grade, Bilingual>> = {
  A: { zh: 'A级', en: 'grade A' },
  B: { zh: 'B级', en: 'grade B' },
  C: { zh: 'C级', en: 'grade C' },
  D: { zh: 'D级', en: 'grade D' },
  'level-1': { zh: '一级危房', en: 'a first-grade dangerous house' },
  'level-2': { zh: '二级危房', en: 'a second-grade dangerous house' },
  'level-3': { zh: '三级危房', en: 'a third-grade dangerous house' },
};

export function schemeOf(program: GradeSchemeOf): GradeScheme {
  return program.gradeScheme ?? 'abcd';
}

/** The grades of the program's scheme, from the safest to the most dangerous. */
export function gradesOf(program: GradeSchemeOf): readonly Grade[] {
  return SCHEME_GRADES[schemeOf(program)];
}

/** The rule of one grade of the program: its own, else its scheme's default; a grade outside the scheme never qualifies. */
export function gradeRuleOf(program: GradeSchemeOf, grade: Grade): GradeRule {
  const scheme = schemeOf(program);
  if (!SCHEME_GRADES[scheme].includes(grade)) return { grade, eligible: false };
  return (
    program.gradeRules?.find((r) => r.grade === grade) ??
    DEFAULT_GRADE_RULES[scheme].find((r) => r.grade === grade) ?? { grade, eligible: false }
  );
}

export function isEligibleGrade(program: GradeSchemeOf, grade: Grade): boolean {
  return gradeRuleOf(program, grade).eligible;
}

export function eligibleGradesOf(program: GradeSchemeOf): Grade[] {
  return gradesOf(program).filter((grade) => isEligibleGrade(program, grade));
}

/** The usual mode of a grade (D or 一级危房 rebuilt, C or 二、三级 repaired); the county may decide otherwise. */
export function usualModeOf(program: GradeSchemeOf, grade: Grade): Mode | undefined {
  return gradeRuleOf(program, grade).mode;
}

/** Why a grade cannot be given in this program (it belongs to the other scheme), or undefined. */
export function gradeOutsideScheme(program: GradeSchemeOf, grade: Grade): Bilingual | undefined {
  const grades = gradesOf(program);
  if (grades.includes(grade)) return undefined;
  return {
    zh: `本项目的鉴定等级为${grades.map((g) => GRADE_NAMES[g].zh).join('、')}，不能评定为${GRADE_NAMES[grade].zh}`,
    en: `The program grades houses ${grades.map((g) => GRADE_NAMES[g].en).join(', ')}; ${GRADE_NAMES[grade].en} is not one of them`,
  };
}

/**
 * Grades named together the way a report does: 一级危房; 二、三级危房; C、D级危房. Undefined when
 * the list is empty.
 */
export function gradesInWords(grades: readonly Grade[]): string | undefined {
  const levels = grades.filter((g) => g.startsWith('level-'));
  const letters = grades.filter((g) => !g.startsWith('level-'));
  const parts: string[] = [];
  if (levels.length > 0) {
    const numerals = ['一', '二', '三'];
    const names = [...levels].sort().map((g) => numerals[Number(g.slice(-1)) - 1] ?? g);
    parts.push(`${names.join('、')}级危房`);
  }
  if (letters.length > 0) parts.push(`${[...letters].sort().join('、')}级危房`);
  return parts.length === 0 ? undefined : parts.join('、');
}
