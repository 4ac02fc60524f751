// Keys given to t() are checked against the English strings at compile time: a typo or a key
// that no language has fails `npm run typecheck`.
import 'i18next';
import type { en } from '../../shared/locales';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'common';
    resources: typeof en;
  }
}
