import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a as b}from"./chunk-EHFR3R23.js";import"./chunk-UY5MY36G.js";import"./chunk-QEH2EZI5.js";import"./chunk-3HFMIZFE.js";import{a}from"./chunk-PU7IRBPL.js";import"./chunk-UV5CIS3G.js";import"./chunk-Q2LQSPDO.js";import"./chunk-ET3Q25VJ.js";import"./chunk-NYRTOUVY.js";export{a as definition,b as run};
