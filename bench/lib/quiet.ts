/**
 * The machine is shared (other test runs may be going on): before a timed measurement, wait a bounded time for the
 * CPUs to be mostly idle, and record how busy they were, so the report can say how noisy the figures are.
 * Linux only (/proc/stat); elsewhere it never waits.
 */
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

function cpuTimes(): { idle: number; total: number } | undefined {
  if (!existsSync('/proc/stat')) return undefined;
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { idle, total: f.reduce((a, b) => a + b, 0) };
}

/** Fraction of all CPUs busy over `ms` (0…1), or undefined off Linux. */
export async function busyFraction(ms = 500): Promise<number | undefined> {
  const a = cpuTimes();
  await sleep(ms);
  const b = cpuTimes();
  if (!a || !b || b.total === a.total) return undefined;
  return 1 - (b.idle - a.idle) / (b.total - a.total);
}

/** Busy fractions seen before measurements (for the report). */
export const observedLoad: number[] = [];

/**
 * Waits until less than `threshold` of the CPUs is busy (others' work; nothing of ours runs between
 * measurements), at most `maxWaitMs`. Returns the last busy fraction seen.
 */
export async function waitForQuiet(threshold = 0.15, maxWaitMs = 10_000): Promise<number | undefined> {
  const started = Date.now();
  const deadline = started + Math.min(maxWaitMs, Math.max(0, WAIT_BUDGET_MS - waited));
  let busy = await busyFraction(250);
  while (busy !== undefined && busy > threshold && Date.now() < deadline) busy = await busyFraction();
  waited += Date.now() - started;
  if (busy !== undefined) observedLoad.push(busy);
  return busy;
}

/** All waiting of one benchmark run together stays under this, so a busy machine cannot stretch it without bound. */
const WAIT_BUDGET_MS = 60_000;
let waited = 0;

export function waitedMs(): number {
  return waited;
}

/** One line for the report: how busy the machine was before the measurements. */
export function loadNote(): string {
  if (observedLoad.length === 0) return 'machine load before measurements: not measured';
  const noisy = observedLoad.filter((b) => b > 0.15).length;
  const max = Math.max(...observedLoad);
  return `machine load before each measurement (others' processes): max ${(max * 100).toFixed(0)} % of the CPUs; ${noisy} of ${observedLoad.length} measurements started on a busy machine (> 15 %); waited ${Math.round(waited / 1000)} s in all for quiet (at most 10 s each, 60 s in all)`;
}
