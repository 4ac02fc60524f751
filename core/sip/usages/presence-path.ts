/**
 * Which way to watch a buddy list when both are possible: one event-list subscription
 * (RFC 4662) to the list the server offers, or one SUBSCRIBE per contact. Both end with every
 * contact's presence known; what differs is how soon, and that depends on the server:
 *
 * - the list is one SUBSCRIBE, but the resource list server subscribes to every member itself
 *   and batches what it learns into NOTIFYs at its own pace (Kamailio's `waitn_time`; four
 *   transactions per member on the server), limited by its notification slots;
 * - per contact, the client's SUBSCRIBEs are answered by the presence server directly, one
 *   NOTIFY each, as fast as it handles them.
 *
 * On Kamailio the per-contact path gives full presence first at every size measured (README:
 * 1,000 contacts 0.56–0.61 s against 1.66 s through the list; 5,000 contacts 3.2 s against
 * 13.2 s, and under load the list often stalled with members never sent). Servers whose RLS
 * works that way are told by the product name in their answer to REGISTER (`Server:`).
 *
 * The choice, per server and list (earlier sign-ins' figures first, reasoning when none):
 * 1. both paths measured → the one with fewer milliseconds a member to full presence;
 * 2. the list refused or stalled before → per contact;
 * 3. only the list measured → per contact once, so that the next sign-in can compare;
 * 4. only per contact measured → per contact (it was chosen by rule 5, which still holds);
 * 5. nothing measured → per contact on a server known to batch its list notifications
 *    (Kamailio, OpenSIPS), else the list (CUPS and unknown servers: the administrator offered
 *    it, and one subscription is the lighter load for the server).
 * Figures are kept per server and list, in the settings when the app gives a place to keep
 * them (`StoredPathFigures`), so a list that stalled is not waited on again after a restart;
 * a server moved to a new address is measured anew.
 */

export type PresencePath = 'list' | 'per-contact';

/** Earlier sign-ins on one server and list: milliseconds to full presence per member, by path. */
export interface PathFigures {
  /** Infinity: the list was refused or stalled. */
  list?: number;
  perContact?: number;
}

export interface PathChoice {
  path: PresencePath;
  /** Why, in words (for the log). */
  reason: string;
}

/** Presence servers whose resource list server batches member notifications (see above). */
const BATCHING_LIST_SERVERS = /\b(kamailio|opensips)\b/i;

const perMember = (ms: number) => `${ms.toFixed(2)} ms a contact`;

/** The path to start on, from earlier figures and the server's product name (its `Server:` header). */
export function choosePresencePath(figures: PathFigures, product?: string): PathChoice {
  const { list, perContact } = figures;
  if (list === Infinity) return { path: 'per-contact', reason: 'the list was refused or stalled at an earlier sign-in' };
  if (list !== undefined && perContact !== undefined)
    return list < perContact
      ? { path: 'list', reason: `the list was faster at earlier sign-ins (${perMember(list)} against ${perMember(perContact)})` }
      : { path: 'per-contact', reason: `per contact was faster at earlier sign-ins (${perMember(perContact)} against ${perMember(list)})` };
  if (list !== undefined) return { path: 'per-contact', reason: `only the list was measured (${perMember(list)}): per contact is measured this time` };
  if (perContact !== undefined) return { path: 'per-contact', reason: `per contact gave full presence at an earlier sign-in (${perMember(perContact)})` };
  const name = product?.trim();
  if (name && BATCHING_LIST_SERVERS.test(name))
    return {
      path: 'per-contact',
      reason: `${name.split(/[\s(]/)[0]}'s list server batches its notifications: one SUBSCRIBE per contact gives full presence first`,
    };
  return { path: 'list', reason: 'the server offers the list, and nothing is known of its speed yet' };
}

/** One server and list's figures as kept in the settings (JSON has no Infinity: `listFailed`). */
export interface StoredPathFigures {
  key: string;
  list?: number;
  listFailed?: boolean;
  perContact?: number;
}

/** Servers and lists remembered; the least recently measured are forgotten first. */
export const MAX_PATH_FIGURES = 50;

/** Figures of earlier sign-ins, by server and list; consulted when a list is watched. */
export class PresencePaths {
  private readonly figures = new Map<string, PathFigures>();

  /** `stored`: what an earlier run kept; `save`: called with every figure after each change. */
  constructor(
    stored: readonly StoredPathFigures[] = [],
    private readonly save?: (all: StoredPathFigures[]) => void,
  ) {
    for (const { key, list, listFailed, perContact } of stored.slice(-MAX_PATH_FIGURES))
      this.figures.set(key, {
        ...(listFailed ? { list: Infinity } : list !== undefined ? { list } : {}),
        ...(perContact !== undefined ? { perContact } : {}),
      });
  }

  choose(key: string, product?: string): PathChoice {
    return choosePresencePath(this.figures.get(key) ?? {}, product);
  }

  /** A sign-in reached full presence over `path`: `ms` for `members` members (the latest figure wins). */
  measured(key: string, path: PresencePath, members: number, ms: number): void {
    if (members <= 0) return;
    const figures = { ...this.figures.get(key) };
    if (path === 'list') figures.list = ms / members;
    else figures.perContact = ms / members;
    this.set(key, figures);
  }

  /** The list was refused or stalled on this server: per contact from now on. */
  listFailed(key: string): void {
    this.set(key, { ...this.figures.get(key), list: Infinity });
  }

  /** What is known for a server and list (tests, diagnostics). */
  get(key: string): PathFigures {
    return { ...this.figures.get(key) };
  }

  /** Every server and list's figures in the stored shape, least recently measured first. */
  stored(): StoredPathFigures[] {
    return [...this.figures].map(([key, { list, perContact }]) => ({
      key,
      ...(list === Infinity ? { listFailed: true } : list !== undefined ? { list } : {}),
      ...(perContact !== undefined ? { perContact } : {}),
    }));
  }

  private set(key: string, figures: PathFigures): void {
    this.figures.delete(key);
    this.figures.set(key, figures);
    for (const oldest of this.figures.keys()) {
      if (this.figures.size <= MAX_PATH_FIGURES) break;
      this.figures.delete(oldest);
    }
    this.save?.(this.stored());
  }
}
