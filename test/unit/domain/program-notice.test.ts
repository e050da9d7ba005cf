import { describe, expect, it } from 'vitest';
import { demoProgram } from '../../../contract/examples';
import { ProgramConfig } from '../../../domain/model';
import { maskBankAccount, maskIdNumber, maskPhone } from '../../../domain/rules/masks';

describe("the program's notice issuer", () => {
  it('is optional, and kept when given', () => {
    expect(ProgramConfig.parse(demoProgram).notice).toBeUndefined();
    const configured = ProgramConfig.parse({
      ...demoProgram,
      notice: { issuingOffice: '册亨县住房和城乡建设局', contactPhone: '0859-421 0000' },
    });
    expect(configured.notice).toEqual({ issuingOffice: '册亨县住房和城乡建设局', contactPhone: '0859-421 0000' });
  });

  it('refuses a phone number that is not one, and an empty office', () => {
    expect(ProgramConfig.safeParse({ ...demoProgram, notice: { contactPhone: '请致电' } }).success).toBe(false);
    expect(ProgramConfig.safeParse({ ...demoProgram, notice: { issuingOffice: '  ' } }).success).toBe(false);
  });
});

describe('masks', () => {
  it('keep what identifies a number on a notice, and mask an already masked value the same', () => {
    expect(maskIdNumber('52232719400130001X')).toBe('522327********001X');
    expect(maskIdNumber(maskIdNumber('52232719400130001X'))).toBe('522327********001X');
    expect(maskPhone('13800000001')).toBe('138****0001');
    expect(maskPhone(maskPhone('13800000001'))).toBe('138****0001');
    expect(maskBankAccount('6217990000000777')).toBe('****0777');
    expect(maskBankAccount(maskBankAccount('6217990000000777'))).toBe('****0777');
  });
});
