import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a as b}from"./chunk-TUBCQFPU.js";import"./chunk-WOTKVHTZ.js";import"./chunk-UC56CWMX.js";import"./chunk-TX2B5OKD.js";import{a}from"./chunk-6KZMQSTM.js";import"./chunk-Q2LQSPDO.js";import"./chunk-ET3Q25VJ.js";import"./chunk-NYRTOUVY.js";export{a as definition,b as run};
