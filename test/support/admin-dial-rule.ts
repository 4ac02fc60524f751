/** A dialing rule an administrator adds while the user is signed in, for the live-configuration tests. */
import type { DialingRule } from '../../core/dialing';

/** 00… numbers go out through an outside line (9): `0044 20 7946 0000` dials `900442079460000`. */
export const OUTSIDE_LINE_RULE: DialingRule = {
  type: 1,
  name: 'International',
  description: 'Outside line for 00',
  priority: 0,
  numberBeginsWith: '00',
  numberOfDigits: null,
  digitsToBeRemoved: 0,
  prefix: '9',
};
