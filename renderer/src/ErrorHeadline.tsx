import { useTranslation } from 'react-i18next';
import type { AppErrorCode } from '../../shared/error-codes';
import { i18n } from './i18n';

/**
 * What went wrong, in the UI's language, by the error's code ("Wrong user name or password").
 * The core's message stays in the server's words (it names the host, the status, the cause),
 * so the user reads a headline in their language and the details an administrator needs.
 */
export function errorHeadline(code: AppErrorCode): string {
  return i18n.t(`session:errors.${code}`);
}

/** The headline above an error's details, on its own line; redrawn when the language changes. */
export function ErrorHeadline({ code }: { code: AppErrorCode }) {
  useTranslation('session');
  return (
    <div className="error-headline" data-testid="error-headline" data-code={code}>
      <strong>{errorHeadline(code)}</strong>
    </div>
  );
}
