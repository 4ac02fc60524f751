/**
 * What the user reads when something fails: typed errors keep their words; a fault of the app
 * itself shows words too, and its exception text (file paths, stack) goes only to the log.
 */
import { describe, expect, it } from 'vitest';
import { DeskError, errorForLog, INTERNAL_ERROR_MESSAGE, toAppError } from '../../../core/errors';
import { serialiseError } from '../../../host/bridge';

describe('toAppError', () => {
  it('keeps the words of typed errors', () => {
    expect(toAppError(new DeskError('auth', 'Wrong username/password', 'u'))).toEqual({ code: 'auth', message: 'Wrong username/password', detail: 'u' });
    expect(toAppError(Object.assign(new Error('Cannot reach x'), { code: 'unreachable' }))).toEqual({ code: 'unreachable', message: 'Cannot reach x' });
  });

  it('shows words, not exception text with file paths, for a fault of the app', () => {
    const fault = new TypeError("Cannot read properties of null (reading 't') at /home/u/presence-desk/core/store/history.ts:88:12");
    for (const error of [
      fault,
      Object.assign(new Error('ENOENT: /tmp/x/y'), { code: 'internal' }),
      'a string /etc/passwd',
      null,
      { message: '/root/secret' },
    ]) {
      const app = toAppError(error);
      expect(app).toEqual({ code: 'internal', message: INTERNAL_ERROR_MESSAGE });
      expect(app.message).not.toMatch(/\//);
    }
  });

  it('logs the detail of an internal error when it crosses to the page', () => {
    const lines: string[] = [];
    const fault = new TypeError("Cannot read properties of null (reading 't')");
    expect(serialiseError(fault, (l) => lines.push(l))).toEqual({ code: 'internal', message: INTERNAL_ERROR_MESSAGE });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("TypeError: Cannot read properties of null (reading 't')");
    expect(lines[0]).toContain('errors.test.ts');
    expect(errorForLog('plain')).toBe('plain');
    serialiseError(new DeskError('auth', 'Wrong'), (l) => lines.push(l));
    expect(lines).toHaveLength(1);
  });
});
