/**
 * Example bodies of the monitoring routes, valid against their schemas and for the demo program's county (the
 * OpenAPI document shows them; the tests send them). Browser-safe.
 */

import { demoIdNumber, demoProgram } from './examples';
import type { RouteKey } from './routes';

const SHA = 'a3f1c5d2e4b6a8c0d2e4f6a8b0c2d4e6f8a0b2c4d6e8f0a2b4c6d8e0f2a4b6c8';
const VILLAGE = demoProgram.townships[0]?.villages[0] ?? { code: '522327100201', name: '者楼村' };

export const MONITORING_BODY_EXAMPLES: Partial<Record<RouteKey, unknown>> = {
  'POST /monitoring/rosters': {
    county: demoProgram.county.code,
    month: '2026-05',
    checksDueOn: '2026-05-20',
    rows: [
      { headName: '韦明光', idNumber: demoIdNumber(9001), persons: 3, category: '低保户', village: VILLAGE.name },
      { headName: '王秀英', idNumber: demoIdNumber(9002), persons: 1, category: '特困人员', village: VILLAGE.name },
      {
        headName: '罗德才',
        idNumber: demoIdNumber(9003),
        persons: 4,
        category: '防止返贫监测对象',
        village: VILLAGE.code,
        phone: '13885900123',
      },
    ],
  },
  'POST /monitoring/cases': {
    villageCode: VILLAGE.code,
    head: { name: '黄桂芬', idNumber: demoIdNumber(9004) },
    persons: 2,
    category: '低保户',
    disaster: 'landslide',
    occurredOn: '2026-06-12',
    description: '山体滑坡冲毁后墙，屋面部分坍塌，已临时安置在邻居家',
    grade: 'D',
  },
  'POST /monitoring/cases/{id}/actions/check': {
    version: 1,
    checkId: '2026-05',
    housingType: 'own-house',
    grade: 'C',
    technician: '罗建国',
    appraisedOn: '2026-05-12',
    findings: '土木结构，后墙开裂，屋面漏雨，局部危险',
    photoIds: ['ph-4e1f'],
  },
  'POST /monitoring/cases/{id}/actions/request-reappraisal': {
    version: 3,
    reason: '村民反映该户房屋雨季后墙体出现裂缝，评定为B级可能有误',
    reportedBy: '者楼村村委会 韦德才',
  },
  'POST /monitoring/cases/{id}/actions/choose-measure': {
    version: 4,
    measure: 'renovation',
    note: '户主同意拆除重建',
    renovation: {
      programId: demoProgram.programId,
      category: 'minimum-living-guarantee',
      house: { structure: 'earth', areaM2: 62 },
    },
  },
  'POST /monitoring/cases/{id}/actions/close': {
    version: 5,
    arrangement: '租住本村韦正学家砖混房两间，租期三年，租金由民政临时救助支付',
    signedBy: '何勇',
    signedOn: '2026-06-20',
    photoIds: ['ph-7a2c'],
  },
  'POST /monitoring/cases/{id}/actions/visit': {
    version: 7,
    householdId: '5b0c7f6e-2d0f-4f59-9d43-1c1b8c6d2f10',
    months: 6,
    visitedOn: '2026-12-01',
    livedIn: false,
    note: '新房已竣工，户主仍住在老房，称新房未通电',
    photoIds: ['ph-9b3d'],
  },
  'POST /monitoring/cases/{id}/photos': {
    step: 'check',
    contentType: 'image/jpeg',
    size: 245_760,
    sha256: SHA,
  },
  'PUT /monitoring/settings/{county}': {
    checkDueDay: 20,
    rosterDueDay: 5,
    countyCategories: [{ name: '因灾受损户', renovationCategory: 'disaster-hardship' }],
    measureDays: 10,
    closingDays: 60,
  },
  'POST /households/{id}/status-code': { reissue: false },
  'POST /public/status': { idNumber: demoIdNumber(1), name: '王秀英', code: '4821 0736' },
};
