import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a as b}from"./chunk-FUQ56V3N.js";import"./chunk-VW5CJ6YQ.js";import"./chunk-UC56CWMX.js";import{a}from"./chunk-FSVKHVK2.js";import"./chunk-Q2LQSPDO.js";import"./chunk-ET3Q25VJ.js";import"./chunk-NYRTOUVY.js";export{a as definition,b as run};
