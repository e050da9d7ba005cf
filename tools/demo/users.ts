/**
 * The demo staff of the demo program (contract/examples.ts): seven county users, one per role and a
 * second finance user, and civil-affairs, construction and inspector staff in each of its four
 * townships. The local twin logs them in (`POST /auth/dev-login`) and issues their tokens; tests,
 * benchmarks and the demo county act as them.
 */
import { z } from 'zod';
import { demoProgram } from '../../contract/examples';
import { type Actor, CountyCode, Role, TownshipCode } from '../../domain/model';

const COUNTY = demoProgram.county.code;

export const DemoUser = z.object({
  username: z.string().regex(/^[a-z]+(\.[a-z]+)*$/),
  displayName: z.string().min(1),
  roles: z.array(Role).min(1),
  county: CountyCode,
  township: TownshipCode.optional(),
});
export type DemoUser = z.infer<typeof DemoUser>;

const countyUsers: DemoUser[] = [
  { username: 'wang.minzheng', displayName: '王芳（县民政局）', roles: ['civil-affairs'], county: COUNTY },
  { username: 'li.zhujian', displayName: '李军（县住建局）', roles: ['construction'], county: COUNTY },
  { username: 'zhao.zhijian', displayName: '赵刚（县质监站）', roles: ['inspector'], county: COUNTY },
  { username: 'chen.caizheng', displayName: '陈静（县财政局）', roles: ['finance'], county: COUNTY },
  // A second finance user: one prepares a release (经办), another approves it (复核).
  { username: 'qian.caizheng', displayName: '钱伟（县财政局）', roles: ['finance'], county: COUNTY },
  { username: 'liu.shenji', displayName: '刘洋（县审计局）', roles: ['auditor'], county: COUNTY },
  { username: 'sun.guanli', displayName: '孙磊（系统管理员）', roles: ['admin'], county: COUNTY },
];

/** Per township: civil-affairs, construction and inspector staff (username surname, display name). */
const TOWNSHIP_STAFF: [string, string][][] = [
  [
    ['zhang', '张敏'],
    ['he', '何勇'],
    ['luo', '罗斌'],
  ],
  [
    ['huang', '黄丽'],
    ['wu', '吴强'],
    ['xu', '徐涛'],
  ],
  [
    ['yang', '杨梅'],
    ['ma', '马超'],
    ['hu', '胡亮'],
  ],
  [
    ['zhou', '周琴'],
    ['lin', '林峰'],
    ['guo', '郭伟'],
  ],
];
const TOWNSHIP_ROLES = [
  { role: 'civil-affairs', suffix: 'minzheng', office: '民政办' },
  { role: 'construction', suffix: 'zhujian', office: '村镇建设站' },
  { role: 'inspector', suffix: 'zhijian', office: '质检员' },
] as const;

const townshipUsers: DemoUser[] = demoProgram.townships.flatMap((township, t) =>
  TOWNSHIP_ROLES.map(({ role, suffix, office }, r) => {
    const [surname, name] = TOWNSHIP_STAFF[t]?.[r] ?? [`staff${t}`, '工作人员'];
    return {
      username: `${surname}.${suffix}`,
      displayName: `${name}（${township.name}${office}）`,
      roles: [role],
      county: COUNTY,
      township: township.code,
    };
  }),
);

export const demoUsers: readonly DemoUser[] = z.array(DemoUser).parse([...countyUsers, ...townshipUsers]);

export function demoUser(username: string): DemoUser {
  const user = demoUsers.find((u) => u.username === username);
  if (!user) throw new RangeError(`no demo user ${username}`);
  return user;
}

/** The Actor a demo user's token stands for. */
export function actorOf(user: DemoUser): Actor {
  return { username: user.username, roles: user.roles, county: user.county, township: user.township };
}
