/**
 * The few web-platform globals that shared/ may use because both of its hosts have them
 * (browsers and Node): checked with neither DOM nor Node types, shared/ sees only these.
 * Only shared/tsconfig.json includes this file.
 */
declare class URL {
  constructor(url: string, base?: string);
  readonly protocol: string;
  readonly hostname: string;
  readonly host: string;
  readonly pathname: string;
  readonly search: string;
  readonly hash: string;
  readonly href: string;
}
