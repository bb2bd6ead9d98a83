// Module hooks (they run off the main thread): record each loaded URL, then load it as usual.
import { appendFileSync } from 'node:fs';

export async function load(url, context, next) {
  if (process.env.GA_BENCH_LOADED) appendFileSync(process.env.GA_BENCH_LOADED, `${url}\n`);
  return next(url, context);
}
