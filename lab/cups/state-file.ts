/**
 * The lab CUPS server's optional persistence: every user's state as one JSON file, written
 * after each request (write-then-rename, so a crash never leaves half a file) and read at start.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { LabUserState } from './operations';

type Saved = Record<
  string,
  Omit<LabUserState, 'properties' | 'presenceRules' | 'acl'> & {
    properties: [string, { value: string; isPublic: boolean }][];
    presenceRules: [string, LabUserState['presenceRules'] extends Map<string, infer R> ? R : never][];
    acl: [string, string[]][];
  }
>;

export function saveStates(file: string, states: Map<string, LabUserState>): void {
  const saved: Saved = {};
  for (const [id, st] of states) {
    saved[id] = { ...st, properties: [...st.properties], presenceRules: [...st.presenceRules], acl: [...st.acl].map(([k, v]) => [k, [...v]]) };
  }
  writeFileSync(`${file}.tmp`, JSON.stringify(saved));
  renameSync(`${file}.tmp`, file);
}

export function loadStates(file: string): [string, LabUserState][] {
  if (!existsSync(file)) return [];
  const saved = JSON.parse(readFileSync(file, 'utf8')) as Saved;
  return Object.entries(saved).map(([id, st]) => [
    id,
    { ...st, properties: new Map(st.properties), presenceRules: new Map(st.presenceRules), acl: new Map(st.acl.map(([k, v]) => [k, new Set(v)])) },
  ]);
}
