// `node --import ./bench/loaded-files.mjs`: appends the URL of every module loaded to the file named
// by GA_BENCH_LOADED, so the benchmark can add up the bytes each action path loads.
import { register } from 'node:module';

register('./loaded-files-hooks.mjs', import.meta.url);
