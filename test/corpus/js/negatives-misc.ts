/* eslint-disable */
// @ts-nocheck
// Look-alikes that are not predictions: job runners, graph database sessions, in-house "predict" helpers, other URLs.
import { Worker } from 'bullmq';
import neo4j from 'neo4j-driver';
import axios from 'axios';

const driver = neo4j.driver('bolt://localhost:7687');

export async function friendsOf(name: string) {
  const session = driver.session();
  const result = await session.run('MATCH (p:Person {name: $name})-[:KNOWS]->(f) RETURN f', { name });
  await session.close();
  return result.records;
}

class MovingAverage {
  constructor(private readonly window: number) {}
  predict(series: number[]): number {
    const tail = series.slice(-this.window);
    return tail.reduce((a, b) => a + b, 0) / tail.length;
  }
}

const forecaster = new MovingAverage(7);

export function nextValue(series: number[]) {
  return forecaster.predict(series);
}

export async function runJobs(worker: { run(job: string): Promise<void> }, jobs: string[]) {
  for (const job of jobs) await worker.run(job);
  return jobs.map((j) => j.trim()).filter(Boolean);
}

export async function settings() {
  const [users, flags] = await Promise.all([fetch('/api/users'), axios.get('/api/feature-flags')]);
  return { users: await users.json(), flags: flags.data };
}

export async function predictionsPage() {
  const res = await fetch('/admin/predictions-dashboard');
  return res.text();
}

const queue = new Worker('emails', async (job) => job.data);
