// Runs the fuzz in a worker thread (see fuzz.test.ts) and posts the report back.
import { parentPort, workerData } from 'node:worker_threads';
import { runFuzz, runFramerFuzz } from './fuzz-core.js';

const { seeds, iterations, streams, seed } = workerData as { seeds: Uint8Array[]; iterations: number; streams: number; seed: number };
const report = runFuzz(seeds, iterations, seed);
runFramerFuzz(seeds, streams, seed, report);
parentPort!.postMessage(report);
