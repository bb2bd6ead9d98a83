import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a as b}from"./chunk-XGFA7B6G.js";import"./chunk-QEH2EZI5.js";import"./chunk-3HFMIZFE.js";import"./chunk-UC56CWMX.js";import{a}from"./chunk-4ELZ7QYE.js";import"./chunk-UV5CIS3G.js";import"./chunk-ET3Q25VJ.js";import"./chunk-NYRTOUVY.js";export{a as definition,b as run};
