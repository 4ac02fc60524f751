import { describe, expect, it } from 'vitest';
import { APP_ERROR_CODES, isAppErrorCode } from '../../../shared/error-codes';
import { toAppError } from '../../../core/errors';

describe('one error-code list', () => {
  it('keeps the code of every listed error crossing from the core, cti included', () => {
    for (const code of APP_ERROR_CODES) expect(toAppError(Object.assign(new Error('words'), { code })).code, code).toBe(code);
    expect(APP_ERROR_CODES).toContain('cti');
  });

  it('turns an unknown code into internal and refuses non-codes', () => {
    expect(toAppError(Object.assign(new Error('words'), { code: 'ENOENT' })).code).toBe('internal');
    expect(isAppErrorCode('ENOENT')).toBe(false);
    expect(isAppErrorCode(42)).toBe(false);
  });
});
