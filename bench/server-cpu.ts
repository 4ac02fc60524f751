/**
 * The lab server's CPU over one sign-in, read from /proc for every process of Kamailio's
 * process group. A per-contact sign-in over one TCP connection is handled by one Kamailio
 * process (the TCP worker that owns the connection), so that process's CPU time is the floor
 * under the sign-in's wall time: no client on that connection can be faster than it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Kamailio } from '../lab/kamailio';

const TICKS_PER_MS = 100 / 1000; // USER_HZ

/** CPU ms (user + system) of each process in the process group `pgid`, by pid. */
function groupCpu(pgid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[0] is state (field 3); pgrp is field 5, utime 14, stime 15.
      if (Number(fields[2]) === pgid) out.set(Number(name), (Number(fields[11]) + Number(fields[12])) / TICKS_PER_MS);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export interface ServerCpu {
  /** All of the server's processes, ms. */
  total: number;
  /** The busiest processes, ms, busiest first. */
  busiest: number[];
}

/** CPU ms of the process group `pgid` since `before`, in all and by its busiest processes. */
function groupCpuSince(pgid: number, before: Map<number, number>): ServerCpu {
  const deltas = [...groupCpu(pgid)].map(([pid, ms]) => ms - (before.get(pid) ?? 0)).sort((a, b) => b - a);
  return { total: deltas.reduce((a, b) => a + b, 0), busiest: deltas.slice(0, 3) };
}

/** The process group of a lab Kamailio (its main process's pid). */
const serverGroup = (kamailio: Kamailio): number => Number(readFileSync(`${kamailio.runDir}/kamailio.pid`, 'utf8').trim());

/** Starts measuring `kamailio`'s CPU: call the result when the sign-in is complete. */
export function serverCpuMeter(kamailio: Kamailio): () => ServerCpu {
  const pgid = serverGroup(kamailio);
  const before = groupCpu(pgid);
  return () => groupCpuSince(pgid, before);
}

export const perProcess = (busiest: number[]) => `busiest processes ${busiest.map((ms) => ms.toFixed(0)).join(', ')} ms`;
