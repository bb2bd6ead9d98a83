import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a as b}from"./chunk-YBKCXPST.js";import{a}from"./chunk-GJNUDJYX.js";import"./chunk-G3NPE4Z4.js";import"./chunk-NYRTOUVY.js";export{a as definition,b as run};
