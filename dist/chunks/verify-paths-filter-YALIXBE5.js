import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a as b}from"./chunk-DD64H65H.js";import{a}from"./chunk-ESDFB4X4.js";import"./chunk-NYRTOUVY.js";export{a as definition,b as run};
